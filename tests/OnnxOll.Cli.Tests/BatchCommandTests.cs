using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests;

/// <summary><c>onnxoll batch</c> writes the batch file <c>embed</c> and <c>grad</c> read: the model's preprocessing, one prompt per class, labels.</summary>
[Collection(CliCollection.Name)]
public sealed class BatchCommandTests(CliFixture fixture)
{
    [Fact]
    public void AFolderOfImagesAndTheirLabelsBecomeABatchThatEmbedReads()
    {
        string folder = Path.GetDirectoryName(fixture.PathFor("batch-images/x"))!;
        for (int i = 0; i < 3; i++)
        {
            Bitmap.WriteRandom(Path.Combine(folder, $"img{i}.bmp"), 20 + i, 16, seed: i);
        }

        string batch = fixture.PathFor("made.safetensors");
        Assert.Equal(0, CliFixture.Invoke("batch", "--model", fixture.ModelDirectory, "--images", folder, "--labels", "red circle, blue square,red circle", "--out", batch));

        var read = BatchFile.Read(batch, fixture.Config, requireLabels: true);
        Assert.Equal([0L, 1L, 0L], read.Labels!);
        Assert.Equal(2, read.Classes);
        var tokenizer = ClipTokenizer.Create(Path.Combine(fixture.ModelDirectory, "vocab.json"), Path.Combine(fixture.ModelDirectory, "merges.txt"),
            new ClipTokenizerOptions { ContextLength = read.Length });
        var expectedIds = new long[read.Length];
        tokenizer.EncodeBatch(["a bad photo of a blue square."], expectedIds);
        Assert.Equal(expectedIds, read.InputIds.AsSpan(read.Length, read.Length).ToArray());

        var preprocessor = new ClipImagePreprocessor(PreprocessorConfig.Load(fixture.ModelDirectory, fixture.Config.Vision.ImageSize));
        var expectedPixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(ImageDecoder.Decode(Path.Combine(folder, "img2.bmp")), expectedPixels, 0);
        Assert.Equal(expectedPixels, read.Pixels.AsSpan(2 * preprocessor.SampleLength, preprocessor.SampleLength).ToArray());

        Assert.Equal(0, CliFixture.Invoke("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--out", fixture.PathFor("made-embeds.safetensors")));
    }

    [Fact]
    public void ALabelCountOtherThanTheImageCountIsRefused()
    {
        string image = fixture.PathFor("one.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 4);
        Errors.ErrorLine.AssertInputError(
            CliFixture.Run("batch", "--model", fixture.ModelDirectory, "--images", image, "--labels", "a,b", "--out", fixture.PathFor("bad.safetensors")),
            "2 labels for 1 image");
    }
}
