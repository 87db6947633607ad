using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.TestSupport.Images;
using StbImageWriteSharp;

namespace OnnxOll.Learning.Tests.Learner;

public sealed class CorruptImageTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private static readonly string[] Colours = ["red", "green"];

    [Fact]
    public void CorruptImageIsSkippedWithAWarningAndCounted()
    {
        string data = WriteFolder("skip");
        var warnings = new List<string>();
        var result = Learn(data, strict: false, warnings.Add);

        Assert.True(result.Completed);
        Assert.Equal(1, result.SkippedSamples);
        Assert.Equal(16, result.Summary.SamplesSeen);
        Assert.Contains(warnings, w => w.Contains("broken.png", StringComparison.Ordinal));
    }

    [Fact]
    public void StrictModeFailsNamingTheFile()
    {
        string data = WriteFolder("strict");
        var error = Assert.ThrowsAny<Exception>(() => Learn(data, strict: true, _ => { }));

        Assert.Contains("broken.png", error.ToString(), StringComparison.Ordinal);
    }

    private LearnerResult Learn(string folder, bool strict, Action<string> warning)
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=2,alpha=2,towers=image,targets=q+v"));
        using var data = DataSources.Open($"folder:{folder}");
        var options = new LearnerOptions { BatchSize = 4, Iterations = 1, EvalEvery = 0, CheckpointEvery = 0, Strict = strict };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, Path.Combine(fixture.Root, "run-" + Path.GetFileName(folder)));
        return learner.Run(data, warning: warning);
    }

    private string WriteFolder(string name)
    {
        string root = Path.Combine(fixture.Root, "folder-" + name);
        for (int c = 0; c < Colours.Length; c++)
        {
            foreach (var split in new[] { "train", "test" })
            {
                string dir = Path.Combine(root, split, Colours[c]);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < (split == "train" ? 8 : 2); i++)
                {
                    var pixels = new byte[16 * 16 * 3];
                    for (int p = 0; p < pixels.Length; p += 3)
                    {
                        pixels[p + c] = (byte)(200 + i);
                    }

                    File.WriteAllBytes(Path.Combine(dir, $"{i:D2}.png"), TestImages.Png(pixels, 16, 16, ColorComponents.RedGreenBlue));
                }
            }
        }

        File.WriteAllBytes(Path.Combine(root, "train", "red", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        return root;
    }
}
