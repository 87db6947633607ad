using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Cli.Tests.Runs;

/// <summary>A disk that fills during a run and a read-only run folder: one error line, and every checkpoint left behind still verifies.</summary>
[Collection(CliCollection.Name)]
public sealed class FileSystemErrorTests(CliFixture fixture)
{
    private const string LongerData = "synthetic:colours=2,shapes=2,textures=1,train=40,test=2,seed=3";

    [MountFact]
    public void DiskFullDuringARunIsOneLineAndLeavesOnlyGoodCheckpoints()
    {
        string sizing = fixture.PathFor("fs/sizing");
        LearnRun.Complete(fixture.ModelDirectory, sizing, "--iters", "1", "--keep", "100");
        long Pages(string file) => (new FileInfo(file).Length + 4095) / 4096;
        long checkpointPages = Pages(Directory.GetFiles(sizing, "ckpt-*.json")[0]) + Pages(Directory.GetFiles(sizing, "ckpt-*.safetensors")[0]);
        int kilobytes = (int)(4 * (Pages(Path.Combine(sizing, "run.json")) + (3 * checkpointPages) + 1));

        using var disk = SmallFileSystem.Mount(kilobytes);
        string run = Path.Combine(disk.Path, "run");
        var result = CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--data", LongerData, "--keep", "100"));

        ErrorLine.AssertInputError(result, "No space left on device", run);
        Assert.Empty(Directory.GetFiles(run, ".*"));
        var store = new CheckpointStore(run);
        Assert.InRange(store.ListSteps().Count, 1, 3);
        Assert.All(Directory.GetFiles(run, "ckpt-*.safetensors"), f => Assert.True(File.Exists(Path.ChangeExtension(f, ".json")), $"{f} has no manifest"));
        var latest = store.LoadLatest(ModelHash.Compute(fixture.ModelDirectory), PetSpec.Parse(LearnRun.Pet).ToString());
        Assert.NotNull(latest.Checkpoint);
        Assert.Empty(latest.Skipped);
    }

    [MountFact]
    public void ReadOnlyRunFolderIsRefusedForLearningAndStillEvaluates()
    {
        using var disk = SmallFileSystem.Mount(1024);
        string run = Path.Combine(disk.Path, "run");
        LearnRun.Complete(fixture.ModelDirectory, run);
        Manifests.MarkUnfinished(run);
        var before = RunSnapshot.Take(run);
        disk.MakeReadOnly();

        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--resume")), "Read-only file system", run);
        string[] eval = ["eval", "--model", fixture.ModelDirectory, "--run", run, "--data", LearnRun.Data, "--threads", "1"];
        ErrorLine.AssertInputError(CliFixture.Run(eval), Path.Combine(run, "eval.json"), "Read-only file system", "--out FILE");
        string report = fixture.PathFor("fs/read-only-eval.json");
        var (exit, error) = CliFixture.Run([.. eval, "--out", report]);

        Assert.True(exit == 0, error);
        Assert.Contains("\"step\": 4", File.ReadAllText(report), StringComparison.Ordinal);
        before.AssertUnchanged();
    }
}
