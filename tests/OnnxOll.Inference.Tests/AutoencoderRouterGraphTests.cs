using Microsoft.ML.OnnxRuntime;
using OnnxOll.Runtime;

namespace OnnxOll.Inference.Tests;

/// <summary>The router graph run in ONNX Runtime gives <see cref="AutoencoderRouter"/>'s errors and decisions, and reads back to the same router.</summary>
public sealed class AutoencoderRouterGraphTests
{
    private const int Dimension = 12, Hidden = 5, Rows = 40;

    [Fact]
    public void OnnxRuntimeGivesTheRoutersErrorsAndDecisions()
    {
        var random = new Random(7);
        var router = new AutoencoderRouter([.. Enumerable.Range(0, 3).Select(_ => Autoencoder(random))]);
        var x = Embeddings(random);
        var expected = new float[Rows, 3];
        for (int i = 0; i < Rows; i++)
        {
            for (int a = 0; a < 3; a++)
            {
                expected[i, a] = router.Autoencoders[a].Error(x.AsSpan(i * Dimension, Dimension));
            }
        }

        // Each threshold midway between two middle errors of its own, so both routes occur (one exactly at an error would decide on rounding).
        for (int a = 0; a < 3; a++)
        {
            var sorted = Enumerable.Range(0, Rows).Select(i => expected[i, a]).Order().ToArray();
            router.Autoencoders[a].Threshold = (sorted[Rows / 2 - 1] + sorted[Rows / 2]) / 2;
        }

        var decisions = Enumerable.Range(0, Rows).Select(i => router.ToFrozen(x.AsSpan(i * Dimension, Dimension))).ToArray();
        Assert.Contains(true, decisions);
        Assert.Contains(false, decisions);

        var (errors, best, toFrozen) = Run(AutoencoderRouterGraph.Build(router), x);
        for (int i = 0; i < Rows; i++)
        {
            for (int a = 0; a < 3; a++)
            {
                Assert.Equal(expected[i, a], errors[i * 3 + a], 1e-5f);
            }

            Assert.Equal(Enumerable.Range(0, 3).MinBy(a => expected[i, a]), best[i]);
        }

        Assert.Equal(decisions, toFrozen);
    }

    [Fact]
    public void TheGraphReadsBackToTheSameRouter()
    {
        var random = new Random(3);
        var router = new AutoencoderRouter([Autoencoder(random), Autoencoder(random)]);
        router.Autoencoders[0].Threshold = 0.25f;
        var read = AutoencoderRouterGraph.Read(AutoencoderRouterGraph.Build(router), "router.onnx");
        Assert.Equal([0.25f, float.PositiveInfinity], read.Autoencoders.Select(a => a.Threshold));
        for (int a = 0; a < 2; a++)
        {
            for (int p = 0; p < 4; p++)
            {
                Assert.Equal(router.Autoencoders[a].Parameters[p].ToArray(), read.Autoencoders[a].Parameters[p].ToArray());
            }
        }
    }

    [Fact]
    public void ARouterWithoutAutoencodersHasNoGraph()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoencoderRouterGraph.Build(new AutoencoderRouter([])));
        Assert.Contains("frozen model", e.Message, StringComparison.Ordinal);
    }

    private static RoutingAutoencoder Autoencoder(Random random) =>
        new(Values(random, Dimension * Hidden, 0.5f), Values(random, Hidden, 0.1f), Values(random, Hidden * Dimension, 0.5f), Values(random, Dimension, 0.1f));

    private static float[] Values(Random random, int count, float scale) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)];

    private static float[] Embeddings(Random random)
    {
        var x = Values(random, Rows * Dimension, 1f);
        for (int i = 0; i < Rows; i++)
        {
            var row = x.AsSpan(i * Dimension, Dimension);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(row);
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }

        return x;
    }

    private static (float[] Errors, long[] Best, bool[] ToFrozen) Run(OnnxOll.Onnx.Proto.ModelProto model, float[] x)
    {
        using var session = SessionFactory.FromModel(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [Rows, Dimension]);
        using var outputs = session.Run(new Dictionary<string, OrtValue> { [AutoencoderRouterGraph.Input] = input });
        int Index(string name) => session.OutputNames.ToList().IndexOf(name);
        return (outputs[Index(AutoencoderRouterGraph.Errors)].GetTensorDataAsSpan<float>().ToArray(),
            outputs[Index(AutoencoderRouterGraph.Best)].GetTensorDataAsSpan<long>().ToArray(),
            outputs[Index(AutoencoderRouterGraph.ToFrozen)].GetTensorDataAsSpan<bool>().ToArray());
    }
}
