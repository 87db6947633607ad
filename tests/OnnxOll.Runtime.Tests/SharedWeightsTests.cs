using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Models;
using OnnxOll.TestSupport;
using Xunit.Abstractions;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Runtime.Tests;

/// <summary>Two sessions over one model with ~200 MB of frozen weights hold about one copy of them when sharing.</summary>
public sealed class SharedWeightsTests(ITestOutputHelper output)
{
    private const int Width = 3584;
    private const int Layers = 4;
    private const int Batch = 2;

    [Fact]
    public void TwoSessionsSharingWeightsHoldOneCopyAndComputeTheChain()
    {
        using var dir = new TempDirectory();
        string modelPath = dir.File("big.onnx");
        var (x, expected) = BuildModel(modelPath, seed: 7);
        long weightBytes = (long)Layers * Width * Width * sizeof(float);
        ProcessMemory.Settle();

        long sharedIncrease;
        long before = ProcessMemory.ResidentBytes();
        using (var shared = SharedWeights.FromExternalData(modelPath))
        {
            using var training = SessionFactory.Open(modelPath, shared: shared);
            using var evaluation = SessionFactory.Open(modelPath, shared: shared);
            AssertChain(training, x, expected);
            AssertChain(evaluation, x, expected);
            sharedIncrease = ProcessMemory.ResidentBytes() - before;
            Assert.Equal(weightBytes, shared.ByteSize);
        }

        ProcessMemory.Settle();
        before = ProcessMemory.ResidentBytes();
        long separateIncrease;
        using (var first = SessionFactory.Open(modelPath))
        using (var second = SessionFactory.Open(modelPath))
        {
            AssertChain(first, x, expected);
            AssertChain(second, x, expected);
            separateIncrease = ProcessMemory.ResidentBytes() - before;
        }

        output.WriteLine($"weights {weightBytes / 1e6:F1} MB; RSS increase for two sessions: shared {sharedIncrease / 1e6:F1} MB " +
            $"({(double)sharedIncrease / weightBytes:F2}x), separate {separateIncrease / 1e6:F1} MB ({(double)separateIncrease / weightBytes:F2}x)");
        // The lower bound keeps the measurement honest: the weights must be resident once (not hidden by freed managed memory).
        Assert.True(sharedIncrease > 0.5 * weightBytes,
            $"two sessions sharing {weightBytes} bytes of weights grew RSS by only {sharedIncrease} bytes: the measurement is off");
        Assert.True(sharedIncrease < 1.5 * weightBytes,
            $"two sessions sharing {weightBytes} bytes of weights grew RSS by {sharedIncrease} bytes (limit 1.5x)");
    }

    [Fact]
    public void PrePackedSessionsKeepComputingAfterTheMappedPagesAreDropped()
    {
        using var dir = new TempDirectory();
        string modelPath = dir.File("big.onnx");
        var (x, expected) = BuildModel(modelPath, seed: 11);
        long weightBytes = (long)Layers * Width * Width * sizeof(float);
        var model = ModelIO.Load(modelPath);
        using var shared = SharedWeights.FromTensors(Path.GetDirectoryName(modelPath)!, model.Graph.Initializer, modelPath, prePack: true);
        using var training = SessionFactory.Open(modelPath, shared: shared);
        using var evaluation = SessionFactory.Open(modelPath, shared: shared);
        AssertChain(training, x, expected);
        ProcessMemory.Settle();
        long before = ProcessMemory.ResidentBytes();
        Assert.True(shared.DropResidentPages() >= weightBytes);
        long after = ProcessMemory.ResidentBytes();
        output.WriteLine($"weights {weightBytes / 1e6:F1} MB; RSS {before / 1e6:F1} MB before dropping the mapped pages, {after / 1e6:F1} MB after");
        // Both sessions packed the weights (one packed copy, shared), so the mapped originals are not needed any more.
        Assert.True(before - after > 0.5 * weightBytes, $"dropping the mapped pages freed only {before - after} bytes of {weightBytes}");
        AssertChain(training, x, expected);
        AssertChain(evaluation, x, expected);
    }

    [Fact]
    public void DifferentGraphsReadTheSameFrozenWeights()
    {
        using var dir = new TempDirectory();
        string trainingPath = dir.File("training.onnx");
        ModelIO.Save(TestGraphs.Affine(), trainingPath, new ExternalDataOptions("frozen.bin", SizeThreshold: 4));

        // The evaluation graph uses only W (y = x·W) and is created from memory.
        var b = new GraphBuilder("evaluation");
        b.Output(b.Op("MatMul", b.Input("x", DataType.Float, 1, 3), "W"), DataType.Float, 1, 2);
        var training = ModelIO.Load(trainingPath);
        b.Initializer(training.Graph.Initializer.Single(t => t.Name == "W").Clone());

        using var shared = SharedWeights.FromExternalData(trainingPath);
        Assert.Equal(["W", "b"], shared.InitializerNames.Order());
        using var trainingSession = SessionFactory.Open(trainingPath, shared: shared);
        using var evaluationSession = SessionFactory.FromModel(b.Model, shared: shared);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3 }, [1, 3]);
        var feed = new Dictionary<string, OrtValue> { ["x"] = input };
        using var trained = trainingSession.Run(feed);
        using var evaluated = evaluationSession.Run(feed);
        Assert.Equal(TestGraphs.AffineRow(1, 2, 3), trained[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([22f, 28f], evaluated[0].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>y = x·W1·W2·W3·W4 with W saved as external data; returns x and y computed in double.</summary>
    private static (float[] X, double[] Y) BuildModel(string path, int seed)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder("chain");
        string h = b.Input("x", DataType.Float, Batch, Width);
        var x = new float[Batch * Width];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        var y = x.Select(v => (double)v).ToArray();
        var w = new float[Width * Width];
        float scale = (float)(Math.Sqrt(3.0 / Width));
        for (int layer = 0; layer < Layers; layer++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
            }

            var next = new double[Batch * Width];
            for (int r = 0; r < Batch; r++)
            {
                for (int k = 0; k < Width; k++)
                {
                    double a = y[r * Width + k];
                    int row = k * Width;
                    for (int c = 0; c < Width; c++)
                    {
                        next[r * Width + c] += a * w[row + c];
                    }
                }
            }

            y = next;
            h = b.Op("MatMul", h, b.Initializer<float>($"w{layer}", w, Width, Width));
        }

        b.Output(h, DataType.Float, Batch, Width);
        ModelIO.Save(b.Model, path, new ExternalDataOptions("weights.bin"));
        return (x, y);
    }

    private static void AssertChain(OnnxSession session, float[] x, double[] expected)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [Batch, Width]);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });
        var actual = results[0].GetTensorDataAsSpan<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"y[{i}] = {actual[i]}, expected {expected[i]}");
        }
    }
}
