using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

namespace OnnxOll.Storage.Tests.Checkpoints;

/// <summary>The resume rule the learner and pretraining share: the latest good checkpoint, one warning line for those fallen back past.</summary>
public sealed class CheckpointFallbackTests : IDisposable
{
    private const string Model = "model-hash-a";
    private const string Pet = "lora:r=4,alpha=1";
    private readonly TempDirectory temp = new();
    private readonly List<string> warnings = [];

    [Fact]
    public void ACorruptNewestCheckpointFallsBackToThePreviousOneWithOneWarningNamingIt()
    {
        var store = Store(10, 20);
        string newest = Path.Combine(temp.Path, "ckpt-00000020.safetensors");
        var bytes = File.ReadAllBytes(newest);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(newest, bytes);

        var point = CheckpointFallback.Resume(store, Model, Pet, warning: warnings.Add);

        Assert.Equal(10, point!.Checkpoint.Step);
        Assert.Equal(Path.Combine(store.RunDirectory, "ckpt-00000010.json"), point.ManifestPath);
        string warning = Assert.Single(warnings);
        Assert.StartsWith("FELL BACK to ckpt-00000010.json (step 10): ckpt-00000020.json: ", warning, StringComparison.Ordinal);
        Assert.Contains("corrupt", warning, StringComparison.Ordinal);
        Assert.Equal([10], store.ListSteps());
        Assert.True(File.Exists(newest + CheckpointStore.RejectedSuffix), "the corrupt checkpoint was not set aside");
    }

    [Fact]
    public void ACheckpointTheRunRefusesIsFallenBackPastLikeACorruptOne()
    {
        var store = Store(10, 20);
        var point = CheckpointFallback.Resume(store, Model, Pet, c => c.Step == 20 ? "counter 'task' differs" : null, warnings.Add);
        Assert.Equal(10, point!.Checkpoint.Step);
        Assert.Contains("ckpt-00000020.json: counter 'task' differs", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void NoGoodCheckpointIsAClearErrorAndChangesNothing()
    {
        var store = Store(10, 20);
        foreach (var manifest in Directory.GetFiles(temp.Path, "ckpt-*.json"))
        {
            File.WriteAllText(manifest, "{");
        }

        var before = Directory.GetFiles(temp.Path).ToDictionary(f => f, File.ReadAllBytes);
        var ex = Assert.Throws<InvalidDataException>(() => CheckpointFallback.Resume(store, Model, Pet, warning: warnings.Add));

        // "Nothing was changed" comes first: the CLI cuts a long error line.
        Assert.StartsWith(store.RunDirectory + ": no checkpoint can be resumed and nothing was changed: ckpt-00000020.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("; ckpt-00000010.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Empty(warnings);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(temp.Path).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }

    [Fact]
    public void AnEmptyRunFolderResumesNothingAndLeftoversOfAnInterruptedSaveAreRemoved()
    {
        var store = new CheckpointStore(temp.Path);
        File.WriteAllBytes(Path.Combine(temp.Path, "ckpt-00000003.safetensors"), [1, 2, 3]);

        Assert.Null(CheckpointFallback.Resume(store, Model, Pet, warning: warnings.Add));
        Assert.Equal("removed what an interrupted checkpoint save left: ckpt-00000003.safetensors", Assert.Single(warnings));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    public void Dispose() => temp.Dispose();

    private CheckpointStore Store(params long[] steps)
    {
        var store = new CheckpointStore(temp.Path);
        foreach (long step in steps)
        {
            store.Save(TestCheckpoints.Make(step, Model, Pet));
        }

        return store;
    }
}
