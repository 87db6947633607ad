using OnnxOll.Runtime;
using Xunit.Abstractions;

namespace OnnxOll.Benchmarks.Tests;

/// <summary>The int8 frozen backbone stays close to float32 on the tiny model: embeddings, loss and every PET tensor's gradient.</summary>
/// <remarks>Bounds are the measured figures with a margin. The gradients of a random model are sensitive: its image embeddings
/// are nearly collinear, so the loss gradient rests on small differences that the run-time 8-bit rounding of activations
/// moves (with dequantized weights in float products the worst tensor is within 4 %; with int8 products 30-40 %, cosine ≥ 0.93).
/// A wrong scale, transposition or gradient rule gives cosines near 0 and embedding errors near 1.</remarks>
[Collection(TinyModelCollection.Name)]
public sealed class Int8FidelityTests(TinyModel tiny, ITestOutputHelper output)
{
    // Columns: PET spec (image tower only; both towers with text LoRA and every target).
    [Theory]
    [InlineData("lora:r=4,alpha=8,towers=image,targets=q+v")]
    [InlineData("lora:r=4,alpha=8,towers=both,targets=q+k+v+o+fc1+fc2")]
    public void Int8IsCloseToFloat32(string pet)
    {
        var r = Int8Fidelity.Measure("tiny", tiny.Directory, pet, SessionSettings.Create(intraOpThreads: 1), batch: 6, classes: 5);
        output.WriteLine($"embedding {r.EmbeddingRelativeError:E2}, loss {r.LossFloat32:F5} vs {r.LossInt8:F5}, gradient cosine >= {r.MinCosine:F5}, " +
            $"relative error <= {r.MaxRelativeError:E2} ({r.WorstTensor})");
        Assert.True(r.EmbeddingRelativeError < 5e-3, $"embedding relative error {r.EmbeddingRelativeError}");
        Assert.True(Math.Abs(r.LossInt8 - r.LossFloat32) < 0.03 * Math.Abs(r.LossFloat32), $"loss {r.LossInt8} vs {r.LossFloat32}");
        Assert.True(r.MinCosine > 0.9, $"gradient cosine {r.MinCosine} ({r.WorstTensor})");
        Assert.True(r.MaxRelativeError < 0.6, $"gradient relative error {r.MaxRelativeError} ({r.WorstTensor})");
    }
}
