using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Storage.Tests.Checkpoints;

/// <summary>Checkpoints for the store's tests.</summary>
internal static class TestCheckpoints
{
    /// <summary>A checkpoint of two small LoRA tensors with AdamW moments, counters and metrics, all drawn from <paramref name="step"/>.</summary>
    public static Checkpoint Make(long step, string model, string pet)
    {
        var rng = new Random((int)step);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var tensors = new[] { new NamedTensor("a.lora_A", Values(6), 2, 3), new NamedTensor("a.lora_B", Values(4), 4, 1) };
        var optimizer = new AdamWState(
            step * 3,
            new Dictionary<string, float[]> { ["a.lora_A"] = Values(6), ["a.lora_B"] = Values(4) },
            new Dictionary<string, float[]> { ["a.lora_A"] = Values(6), ["a.lora_B"] = Values(4) });
        return new Checkpoint(
            step,
            model,
            pet,
            new JsonObject { ["lr"] = 5e-4, ["online_iter"] = 3, ["visible"] = "batch" },
            new Dictionary<string, long> { ["samples_seen"] = step * 64, ["task"] = 1 },
            new JsonObject { ["stream"] = 12345678901234L, ["dropout"] = "a1b2c3" },
            step * 64,
            new JsonArray(new JsonObject { ["samples_seen"] = 1000, ["accuracy"] = 0.5 }),
            tensors,
            optimizer);
    }
}
