using OnnxOll.Clip.Tiny;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>A run, adapter or checkpoint used with another model of the same shapes (other weights) is refused by every command with one line
/// naming both models; <c>--allow-other-model</c> uses it with a warning. Before weights were hashed these all exited 0 with numbers.</summary>
[Collection(CliCollection.Name)]
public sealed class ModelIdentityCommandTests(CliFixture fixture)
{
    private const string Data = "synthetic:colours=3,shapes=1,textures=1,train=12,test=3,seed=4";

    [Fact]
    public void EvalPredictExportAdapterAndLearnRefuseARunOfAnotherModel()
    {
        string other = fixture.PathFor("identity-other");
        TinyClip.Write(other, seed: 4);
        string run = fixture.PathFor("identity-run");
        Assert.Equal(0, CliFixture.Invoke("learn", "--model", fixture.ModelDirectory, "--data", Data, "--out", run, "--scenario", "iid", "--batch", "6",
            "--iters", "1", "--eval-every", "0", "--threads", "1"));
        string image = fixture.PathFor("identity.bmp");
        Bitmap.WriteRandom(image, 20, 20, seed: 5);
        string adapter = fixture.PathFor("identity-adapter");
        Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", run, "--out", adapter));
        string theirs = ModelHash.Short(ModelHash.Compute(fixture.ModelDirectory)), ours = ModelHash.Short(ModelHash.Compute(other));
        string report = fixture.PathFor("identity-eval.json");

        string[][] commands =
        [
            ["eval", "--model", other, "--run", run, "--data", Data, "--out", report, "--threads", "1"],
            ["predict", "--model", other, "--run", run, "--image", image, "--threads", "1"],
            ["predict", "--model", other, "--pet", adapter, "--image", image, "--threads", "1"],
            ["export", "--model", other, "--merge", run, "--out", fixture.PathFor("identity-export")],
            ["adapter", "--model", other, "--run", run, "--out", fixture.PathFor("identity-adapter-2")],
            ["learn", "--model", other, "--data", Data, "--out", fixture.PathFor("identity-learn"), "--init-adapter", adapter, "--eval-every", "0", "--threads", "1"],
        ];
        foreach (var args in commands)
        {
            ErrorLine.AssertInputError(CliFixture.Run(args), theirs, ours, other, "--allow-other-model");
        }

        Assert.False(File.Exists(report));
        Assert.False(Directory.Exists(fixture.PathFor("identity-export")));

        var (exit, error) = CliFixture.Run([.. commands[0], "--allow-other-model"]);
        Assert.Equal(0, exit);
        Assert.Contains("warning: ", error, StringComparison.Ordinal);
        Assert.Contains(ours, error, StringComparison.Ordinal);
        Assert.True(File.Exists(report));
    }

    [Fact]
    public void ResumeAfterTheModelWasReplacedIsRefused()
    {
        string model = fixture.CopyModel("identity-replaced");
        string run = fixture.PathFor("identity-replaced-run");
        string[] learn = ["learn", "--model", model, "--data", Data, "--out", run, "--scenario", "iid", "--batch", "6", "--iters", "1", "--eval-every", "0", "--threads", "1"];
        Assert.Equal(0, CliFixture.Invoke(learn));
        string recorded = ModelHash.Compute(model);
        Assert.Equal(0, CliFixture.Invoke("init-tiny", "--out", model, "--seed", "9", "--force"));

        ErrorLine.AssertInputError(CliFixture.Run([.. learn, "--resume"]), "model_hash", recorded);
    }
}
