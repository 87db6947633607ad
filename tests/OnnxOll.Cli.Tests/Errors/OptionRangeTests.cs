using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>Option values out of range are refused by the parser with one line naming the option and the range, before any file is written.</summary>
[Collection(CliCollection.Name)]
public sealed class OptionRangeTests(CliFixture fixture)
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // command, option and value, text the line must hold
        { "serve", "--port 99999", "--port 99999: expected 0 to 65535" },
        { "serve", "--port -1", "--port -1: expected 0 to 65535" },
        { "eval", "--per-class -1", "--per-class -1: expected at least 0" },
        { "predict", "--top 0", "--top 0: expected at least 1" },
        { "learn", "--threads 0", "--threads 0: expected at least 1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutOfRangeValueIsOneLineAndWritesNothing(string command, string option, string text)
    {
        string run = fixture.PathFor($"option-range/{command}-{Math.Abs(option.GetHashCode(StringComparison.Ordinal)):x8}");
        string image = fixture.PathFor("option-range/photo.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 3);
        string[] args = command switch
        {
            "serve" => ["serve", "--model", fixture.ModelDirectory, "--out", run],
            "eval" => ["eval", "--model", fixture.ModelDirectory, "--pet", "none", "--data", "synthetic", "--out", Path.Combine(run, "eval.json")],
            "predict" => ["predict", "--model", fixture.ModelDirectory, "--image", image, "--labels", "a,b"],
            _ => ["learn", "--model", fixture.ModelDirectory, "--data", "synthetic", "--out", run],
        };

        ErrorLine.AssertInputError(CliFixture.Run([.. args, .. option.Split(' ')]), text, $"see onnxoll {command} --help");
        Assert.False(Directory.Exists(run), $"{run} was created");
    }
}
