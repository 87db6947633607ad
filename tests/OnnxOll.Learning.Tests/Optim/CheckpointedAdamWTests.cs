using System.Text.Json.Nodes;
using OnnxOll.Learning.Optim;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

namespace OnnxOll.Learning.Tests.Optim;

public class CheckpointedAdamWTests
{
    [Fact]
    public void RestoredOptimizerState_ImportsIntoAdamW()
    {
        using var tmp = new TempDirectory();
        var store = new CheckpointStore(tmp.Path);
        var moments = new Dictionary<string, float[]> { ["a.lora_A"] = new float[6], ["a.lora_B"] = new float[4] };
        var tensors = new[] { new NamedTensor("a.lora_A", new float[6], 2, 3), new NamedTensor("a.lora_B", new float[4], 4, 1) };
        store.Save(new Checkpoint(1, "model-hash-a", "lora:r=4,alpha=1", [], new Dictionary<string, long>(), [], 0, null, tensors, new AdamWState(3, moments, moments)));
        var state = store.LoadLatest("model-hash-a", "lora:r=4,alpha=1").Checkpoint!.Optimizer!;
        var adam = new AdamW([new NamedParameter("a.lora_A", new float[6], new float[6]), new NamedParameter("a.lora_B", new float[4], new float[4])]);
        adam.ImportState(state);
        Assert.Equal(state.Step, adam.StepCount);
    }
}
