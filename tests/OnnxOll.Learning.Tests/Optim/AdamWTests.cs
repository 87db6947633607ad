using OnnxOll.Learning.Optim;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Tests.Optim;

public class AdamWTests
{
    // Columns: learning rate, weight decay, beta1, beta2, steps.
    [Theory]
    [InlineData(5e-4f, 1e-5f, 0.9f, 0.999f, 7)]
    [InlineData(1e-2f, 0.1f, 0.8f, 0.99f, 12)]
    [InlineData(1e-3f, 0f, 0.5f, 0.9f, 5)]
    public void Step_MatchesScalarReference(float lr, float wd, float beta1, float beta2, int steps)
    {
        var rng = new Random(42);
        int[] sizes = [1, 7, 33, 300];
        var values = sizes.Select(n => RandomArray(rng, n)).ToArray();
        var grads = sizes.Select(n => new float[n]).ToArray();
        var refValues = values.Select(a => a.Select(x => (double)x).ToArray()).ToArray();
        var refGrads = sizes.Select(n => new double[n]).ToArray();
        var parameters = values.Select((v, i) => new NamedParameter($"p{i}", v, grads[i])).ToArray();
        var adam = new AdamW(parameters, new AdamWOptions { LearningRate = lr, WeightDecay = wd, Beta1 = beta1, Beta2 = beta2 });
        var reference = new ReferenceAdamW(lr, beta1, beta2, 1e-8, wd);

        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                for (int j = 0; j < sizes[i]; j++)
                {
                    grads[i][j] = (float)(rng.NextDouble() * 2 - 1) * (i + 1);
                    refGrads[i][j] = grads[i][j];
                }
            }

            adam.Step();
            reference.Step([.. refValues.Zip(refGrads)]);
        }

        Assert.Equal(steps, adam.StepCount);
        for (int i = 0; i < sizes.Length; i++)
        {
            for (int j = 0; j < sizes[i]; j++)
            {
                Assert.True(
                    Math.Abs(values[i][j] - refValues[i][j]) <= 1e-6,
                    $"p{i}[{j}]: {values[i][j]} vs reference {refValues[i][j]}");
            }
        }
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var rng = new Random(1);
        var value = RandomArray(rng, 4096);
        var grad = RandomArray(rng, 4096);
        var other = RandomArray(rng, 17);
        var otherGrad = RandomArray(rng, 17);
        var adam = new AdamW([new NamedParameter("a", value, grad), new NamedParameter("b", other.AsMemory(), otherGrad.AsMemory())]);
        adam.Step();
        adam.ClipGradNorm(1f);
        adam.GradientsAreFinite();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            adam.ClipGradNorm(1f);
            adam.GradientsAreFinite();
            adam.Step();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256, $"100 steps allocated {allocated} bytes");
    }

    [Fact]
    public void Reset_ZeroesMomentsAndStepCount_SoNextStepEqualsAFreshOptimizer()
    {
        float[] g = [0.5f, -2f, 3f];
        float[] a = [1f, 2f, 3f];
        float[] b = [1f, 2f, 3f];
        var used = new AdamW([new NamedParameter("w", a, g)]);
        used.Step();
        used.Step();
        used.Reset();
        Assert.Equal(0, used.StepCount);
        Assert.All(used.ExportState().FirstMoments["w"], x => Assert.Equal(0f, x));
        Assert.All(used.ExportState().SecondMoments["w"], x => Assert.Equal(0f, x));

        var fresh = new AdamW([new NamedParameter("w", b, g)]);
        Array.Copy(a, b, a.Length);
        used.Step();
        fresh.Step();
        Assert.Equal(b, a);
    }

    // Columns: gradient values, max norm, expected returned norm, expected gradient after clipping.
    public static TheoryData<float[], float, float, float[]> ClipCases => new()
    {
        { [3f, 4f], 1f, 5f, [0.6f, 0.8f] },
        { [3f, 4f], 10f, 5f, [3f, 4f] },
        { [0f, 0f], 1f, 0f, [0f, 0f] },
        { [-6f, 8f], 5f, 10f, [-3f, 4f] },
    };

    [Theory]
    [MemberData(nameof(ClipCases))]
    public void ClipGradNorm_ScalesToMaxNormAcrossParameters(float[] gradient, float maxNorm, float expectedNorm, float[] expected)
    {
        // Split the gradient over two parameters to exercise the global norm.
        var g1 = gradient[..1];
        var g2 = gradient[1..];
        var adam = new AdamW([new NamedParameter("a", new float[1], g1), new NamedParameter("b", new float[g2.Length], g2)]);
        float norm = adam.ClipGradNorm(maxNorm);
        Assert.Equal(expectedNorm, norm, 5);
        var clipped = g1.Concat(g2).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], clipped[i], 5);
        }
    }

    [Fact]
    public void GradientNorm_IsTheGlobalL2NormAndChangesNoGradient()
    {
        float[] g1 = [3f, 0f], g2 = [4f, -12f];
        var adam = new AdamW([new NamedParameter("a", new float[2], g1), new NamedParameter("b", new float[2], g2)]);

        Assert.Equal(13f, adam.GradientNorm(), 5);
        Assert.Equal([3f, 0f, 4f, -12f], g1.Concat(g2));
        Assert.Equal(adam.GradientNorm(), adam.ClipGradNorm(1f));
    }

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NegativeInfinity, false)]
    [InlineData(3e38f, true)]
    [InlineData(0f, true)]
    public void GradientsAreFinite_DetectsNonFiniteValues(float injected, bool expected)
    {
        var g = new float[40];
        g[37] = injected;
        var adam = new AdamW([new NamedParameter("ok", new float[3], new float[3]), new NamedParameter("x", new float[40], g)]);
        Assert.Equal(expected, adam.GradientsAreFinite());
    }

    [Fact]
    public void ExportImport_RoundTripsAndContinuesIdentically()
    {
        var rng = new Random(3);
        var g = RandomArray(rng, 10);
        var p1 = RandomArray(rng, 10);
        var p2 = (float[])p1.Clone();
        var first = new AdamW([new NamedParameter("w", p1, g)]);
        first.Step();
        first.Step();
        var state = first.ExportState();

        var second = new AdamW([new NamedParameter("w", p2, g)]);
        Array.Copy(p1, p2, p1.Length);
        second.ImportState(state);
        Assert.Equal(2, second.StepCount);
        first.Step();
        second.Step();
        Assert.Equal(p1, p2);
    }

    [Fact]
    public void ImportState_MissingOrWrongSizedMoment_NamesTheParameter()
    {
        var adam = new AdamW([new NamedParameter("w", new float[3], new float[3])]);
        var wrong = new AdamWState(1, new Dictionary<string, float[]> { ["w"] = new float[2] }, new Dictionary<string, float[]> { ["w"] = new float[3] });
        var ex = Assert.Throws<ArgumentException>(() => adam.ImportState(wrong));
        Assert.Contains("'w'", ex.Message);
        Assert.Contains("expected 3", ex.Message);
        var missing = new AdamWState(1, new Dictionary<string, float[]>(), new Dictionary<string, float[]>());
        Assert.Contains("missing", Assert.Throws<ArgumentException>(() => adam.ImportState(missing)).Message);
    }

    [Fact]
    public void Constructor_RejectsDuplicateNamesAndMismatchedGradient()
    {
        Assert.Throws<ArgumentException>(() => new AdamW([new NamedParameter("w", new float[1], new float[1]), new NamedParameter("w", new float[1], new float[1])]));
        Assert.Throws<ArgumentException>(() => new NamedParameter("w", new float[2], new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([], new AdamWOptions { Beta1 = 1f }));
    }

    private static float[] RandomArray(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
}
