using OnnxOll.Clip.Imaging;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Imaging;

public sealed class PreprocessorConfigTests : IDisposable
{
    private readonly TempDirectory folder = new();

    [Fact]
    public void HuggingFaceFieldsBecomeTheOptions()
    {
        File.WriteAllText(folder.File(PreprocessorConfig.FileName), """
            {"crop_size": {"height": 32, "width": 32}, "do_center_crop": true, "do_normalize": true, "do_resize": true,
             "image_mean": [0.5, 0.4, 0.3], "image_std": [0.2, 0.25, 0.3], "resample": 3, "size": {"shortest_edge": 40}}
            """);

        var options = PreprocessorConfig.Load(folder.Path, 32);

        Assert.Equal(32, options.ImageSize);
        Assert.Equal(40, options.ResizeShortestEdge);
        Assert.Equal([0.5f, 0.4f, 0.3f], options.Mean);
        Assert.Equal([0.2f, 0.25f, 0.3f], options.Std);
        PreprocessorConfig.Write(options, folder.Path);
        var again = PreprocessorConfig.Load(folder.Path, 32);
        Assert.Equal((options.ImageSize, options.ResizeShortestEdge), (again.ImageSize, again.ResizeShortestEdge));
        Assert.Equal(options.Mean, again.Mean);
        Assert.Equal(options.Std, again.Std);
    }

    [Fact]
    public void WithoutAFileTheDefaultsAtTheModelsSizeApply()
    {
        var options = PreprocessorConfig.Load(folder.Path, 48);
        Assert.Equal(48, options.ImageSize);
        Assert.Null(options.ResizeShortestEdge);
        Assert.Equal(new ClipImagePreprocessorOptions().Mean, options.Mean);
    }

    [Theory]
    [InlineData("\"crop_size\": 224", "crop_size")]
    [InlineData("\"resample\": 2", "resample")]
    [InlineData("\"image_mean\": [0.5, 0.5]", "image_mean")]
    [InlineData("\"do_center_crop\": false", "do_center_crop")]
    public void UnsupportedFieldsAreNamed(string field, string name)
    {
        string path = folder.File(PreprocessorConfig.FileName);
        File.WriteAllText(path, "{" + field + "}");
        var e = Assert.Throws<InvalidDataException>(() => PreprocessorConfig.Load(folder.Path, 32));
        Assert.Contains(path, e.Message);
        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData(53, 37)]
    [InlineData(30, 61)]
    public void AResizeLargerThanTheCropIsTheCentreOfTheLargerImage(int width, int height)
    {
        var random = new Random(width);
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var large = new float[3 * 40 * 40];
        new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = 40 }).Preprocess(pixels, width, height, 3, large, 0);
        var cropped = new float[3 * 32 * 32];

        new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = 32, ResizeShortestEdge = 40 }).Preprocess(pixels, width, height, 3, cropped, 0);

        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 32; y++)
            {
                Assert.Equal(large.AsSpan((c * 1600) + ((y + 4) * 40) + 4, 32).ToArray(), cropped.AsSpan((c * 1024) + (y * 32), 32).ToArray());
            }
        }
    }

    public void Dispose() => folder.Dispose();
}
