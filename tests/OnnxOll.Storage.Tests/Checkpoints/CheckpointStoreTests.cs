using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

namespace OnnxOll.Storage.Tests.Checkpoints;

public class CheckpointStoreTests
{
    private const string Model = "model-hash-a";
    private const string Pet = "lora:r=4,alpha=1";

    [Fact]
    public void SaveThenLoad_RoundTripsEverything()
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path);
        var saved = Make(42);
        string manifest = store.Save(saved);
        Assert.EndsWith("ckpt-00000042.json", manifest);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "ckpt-00000042.safetensors")));

        var result = store.LoadLatest(Model, Pet);
        Assert.Empty(result.Skipped);
        Assert.Equal(manifest, result.ManifestPath);
        var loaded = result.Checkpoint!;
        Assert.Equal(42, loaded.Step);
        Assert.Equal(saved.StreamCursor, loaded.StreamCursor);
        Assert.Equal(saved.Counters.OrderBy(kv => kv.Key), loaded.Counters.OrderBy(kv => kv.Key));
        Assert.True(JsonNode.DeepEquals(saved.LearnerConfig, loaded.LearnerConfig));
        Assert.True(JsonNode.DeepEquals(saved.RngStates, loaded.RngStates));
        Assert.True(JsonNode.DeepEquals(saved.Metrics, loaded.Metrics));
        Assert.Equal(saved.Tensors.Select(t => t.Name), loaded.Tensors.Select(t => t.Name));
        for (int i = 0; i < saved.Tensors.Count; i++)
        {
            Assert.Equal(saved.Tensors[i].Data, loaded.Tensors[i].Data);
            Assert.Equal(saved.Tensors[i].Shape, loaded.Tensors[i].Shape);
        }

        Assert.Equal(saved.Optimizer!.Step, loaded.Optimizer!.Step);
        Assert.Equal(saved.Optimizer.FirstMoments["a.lora_A"], loaded.Optimizer.FirstMoments["a.lora_A"]);
        Assert.Equal(saved.Optimizer.SecondMoments["a.lora_B"], loaded.Optimizer.SecondMoments["a.lora_B"]);
    }

    // Columns: how the newest checkpoint is damaged, text the skip reason must contain.
    [Theory]
    [InlineData("truncate", "truncated")]
    [InlineData("flip", "corrupt")]
    [InlineData("delete-tensors", "missing")]
    [InlineData("manifest-garbage", "not valid JSON")]
    [InlineData("manifest-field", "'manifest_sha256'")]
    public void DamagedLatest_FallsBackToThePreviousGoodCheckpoint(string damage, string reason)
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path);
        store.Save(Make(10));
        store.Save(Make(20));
        string tensors = Path.Combine(tmp.Path, "ckpt-00000020.safetensors");
        string manifest = Path.Combine(tmp.Path, "ckpt-00000020.json");
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(tensors, File.ReadAllBytes(tensors)[..^7]);
                break;
            case "flip":
                var bytes = File.ReadAllBytes(tensors);
                bytes[^3] ^= 0x40;
                File.WriteAllBytes(tensors, bytes);
                break;
            case "delete-tensors":
                File.Delete(tensors);
                break;
            case "manifest-garbage":
                File.WriteAllText(manifest, "{\"format\": \"onnxoll-chec");
                break;
            default:
                var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
                json.Remove("stream_cursor");
                File.WriteAllText(manifest, json.ToJsonString());
                break;
        }

        var result = store.LoadLatest(Model, Pet);
        Assert.Equal(10, result.Checkpoint!.Step);
        var skipped = Assert.Single(result.Skipped);
        Assert.Contains("ckpt-00000020", skipped);
        Assert.Contains(reason, skipped);
    }

    [Theory]
    [InlineData("other-model", Pet, "model hash 'model-hash-a'")]
    [InlineData(Model, "lora:r=8,alpha=1", "PET spec 'lora:r=4,alpha=1'")]
    public void ForeignModelOrPetSpec_IsRefused_NamingBothValues(string model, string pet, string expected)
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path);
        store.Save(Make(5));
        var ex = Assert.Throws<CheckpointMismatchException>(() => store.LoadLatest(model, pet));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(model == Model ? pet : model, ex.Message);
    }

    [Fact]
    public void KeepsTheLastK()
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path, keepLast: 2);
        foreach (long step in new long[] { 3, 7, 100, 12000 })
        {
            store.Save(Make(step));
        }

        Assert.Equal([100, 12000], store.ListSteps());
        Assert.Equal(4, Directory.GetFiles(tmp.Path).Length);
    }

    [Fact]
    public void CrashMidWrite_LeavesThePreviousCheckpointIntact()
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path);
        store.Save(Make(1));
        var before = Directory.GetFiles(tmp.Path).ToDictionary(f => f, File.ReadAllBytes);

        // A save that fails after its tensors file landed (NaN cannot be written as JSON) removes that file again.
        var failing = Make(2) with { Metrics = JsonValue.Create(double.NaN) };
        Assert.ThrowsAny<ArgumentException>(() => store.Save(failing));
        Assert.False(File.Exists(Path.Combine(tmp.Path, "ckpt-00000002.safetensors")));
        Assert.False(File.Exists(Path.Combine(tmp.Path, "ckpt-00000002.json")));
        // What a process killed mid-save leaves: a tensors file without its manifest, a half-written temp file.
        File.Copy(Path.Combine(tmp.Path, "ckpt-00000001.safetensors"), Path.Combine(tmp.Path, "ckpt-00000002.safetensors"));
        File.WriteAllBytes(Path.Combine(tmp.Path, ".ckpt-00000003.safetensors.tmp-deadbeef"), [1, 2, 3]);

        foreach (var (file, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(file));
        }

        var result = store.LoadLatest(Model, Pet);
        Assert.Equal(1, result.Checkpoint!.Step);
        Assert.Empty(result.Skipped);

        store.Save(Make(4));
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*"));
        Assert.Equal(4, store.LoadLatest(Model, Pet).Checkpoint!.Step);
    }

    [Fact]
    public void EmptyDirectory_LoadsNothing()
    {
        using var tmp = new TempDirectory();
        var result = new CheckpointStore(tmp.Path).LoadLatest(Model, Pet);
        Assert.Null(result.Checkpoint);
        Assert.Empty(result.Skipped);
    }

    private static Checkpoint Make(long step) => TestCheckpoints.Make(step, Model, Pet);
}
