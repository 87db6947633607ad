using OnnxOll.Autodiff.Checking;

namespace OnnxOll.Autodiff.Tests;

/// <summary>The checker itself: it catches a wrong gradient entry and is deterministic by seed.</summary>
public sealed class FiniteDifferenceCheckerTests
{
    [Theory]
    [InlineData(1e-3)]
    [InlineData(-1e-4)]
    public void ReportsACorruptedGradientEntry(double error)
    {
        var c = GradientCheckCases.Get("Mul [2,3] [3]");
        using var ort = new OrtEvaluator();
        IReadOnlyDictionary<string, double[]> Corrupt(Onnx.Proto.ModelProto model, IReadOnlyDictionary<string, double[]> inputs)
        {
            var outputs = ort.Evaluate(model, inputs);
            if (outputs.TryGetValue("x1.grad", out var g))
            {
                g[1] += error * Math.Max(1, Math.Abs(g[1]));
            }

            return outputs;
        }

        var result = FiniteDifferenceChecker.Check(c.BuildModel(), c.Trainables, Corrupt, c.Domains, c.Options());
        Assert.False(result.Passed, result.ToString());
        Assert.StartsWith("x1[1]", result.WorstEntry, StringComparison.Ordinal);
        Assert.Contains($"seed {result.Seed}", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SameSeedSameResult()
    {
        var c = GradientCheckCases.Get("LayerNormalization axis=-1");
        using var ort = new OrtEvaluator();
        var a = FiniteDifferenceChecker.Check(c.BuildModel(), c.Trainables, ort.Evaluate, c.Domains, c.Options(seed: 11));
        var b = FiniteDifferenceChecker.Check(c.BuildModel(), c.Trainables, ort.Evaluate, c.Domains, c.Options(seed: 11));
        Assert.Equal(a, b);
        Assert.True(a.Passed, a.ToString());
    }
}
