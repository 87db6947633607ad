using OnnxOll.Clip.Text;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>The mistakes a new user makes in the first hour each get one line saying what is wrong and what to do instead.</summary>
[Collection(CliCollection.Name)]
public sealed class FirstHourErrorTests(CliFixture fixture)
{
    // Each row: the command line, then text the one error line must hold.
    public static TheoryData<string[], string[]> Typos => new()
    {
        { ["lern", "--model", "m"], ["'lern'", "did you mean learn?"] },
        { ["learn", "--modle", "m", "--data", "synthetic", "--out", "r"], ["'--modle'", "did you mean --model?"] },
        { ["eval", "--model", "m", "--data", "synthetic", "--per-clas", "2"], ["'--per-clas'", "did you mean --per-class?"] },
    };

    [Theory]
    [MemberData(nameof(Typos))]
    public void TyposGetADidYouMean(string[] args, string[] expected) => ErrorLine.AssertInputError(CliFixture.Run(args), expected);

    [Fact]
    public void MessagesAreNeverJoinedWithAPeriodAndASemicolon()
    {
        string line = ErrorLine.AssertInputError(CliFixture.Run("learn", "--modle", "m", "--out", "r"), "--data", "--model");
        Assert.DoesNotContain(".;", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingModelFolderAFileAndAHubIdEachGetTheirOwnMessage()
    {
        string config = Path.Combine(fixture.ModelDirectory, "config.json");
        ErrorLine.AssertInputError(Embed(fixture.PathFor("no-such-model")), "no such model folder");
        ErrorLine.AssertInputError(Embed(config), "is a file, not a model", fixture.ModelDirectory);
        ErrorLine.AssertInputError(Embed("openai/clip-vit-base-patch32"),
            "reads local model folders", "huggingface-cli download openai/clip-vit-base-patch32 --local-dir DIR");
    }

    [Fact]
    public void AMistypedDataKindListsEveryKindIncludingSynthetic()
    {
        ErrorLine.AssertInputError(CliFixture.Run("eval", "--model", fixture.ModelDirectory, "--data", "synthtic"), "'synthtic'", "cifar100", "synthetic");
        ErrorLine.AssertInputError(CliFixture.Run("learn", "--model", fixture.ModelDirectory, "--data", "synthtic", "--out", fixture.PathFor("synthtic-run")),
            "'synthtic'", "synthetic", "redis://");
    }

    [Fact]
    public void ABatchFolderOrANonSafetensorsBatchSaysWhatItIs()
    {
        string folder = Path.GetDirectoryName(fixture.PathFor("batch-folder/x"))!;
        string image = fixture.PathFor("photo.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 1);
        ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", folder, "--out", fixture.PathFor("e1.safetensors")),
            "is a folder; expected a batch file", "onnxoll batch");
        ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", image, "--out", fixture.PathFor("e2.safetensors")),
            image, "not a safetensors batch file", "onnxoll batch");
    }

    [Fact]
    public void EvalOfTheBaseModelWithoutOutWritesNoFileInTheCurrentFolder()
    {
        string report = Path.Combine(Environment.CurrentDirectory, "eval.json");
        Assert.False(File.Exists(report), $"{report} exists before the test");
        Assert.Equal(0, CliFixture.Invoke("eval", "--model", fixture.ModelDirectory, "--data", "synthetic:colours=2,shapes=1,train=4,test=2,seed=1"));
        Assert.False(File.Exists(report), "eval without --out and without a run folder wrote eval.json into the current folder");
    }

    [Fact]
    public void PredictRefusesALabelTheServiceRefuses()
    {
        string image = fixture.PathFor("label-photo.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 2);
        string label = new('a', 100_000);
        ErrorLine.AssertInputError(CliFixture.Run("predict", "--model", fixture.ModelDirectory, "--image", image, "--labels", $"cat,{label}"),
            "--labels", "100000 characters", $"exceeds {ClassLabel.MaxLength}");
    }

    private (int Exit, string Error) Embed(string model) =>
        CliFixture.Run("embed", "--model", model, "--batch", fixture.WriteBatch("b.safetensors", 2, [0, 1], seed: 1), "--out", fixture.PathFor("embeds.safetensors"));
}
