using OnnxOll.Autodiff.Checking;
using Xunit.Abstractions;

namespace OnnxOll.Autodiff.Tests;

/// <summary>End-to-end checks on a 2-layer pre-LN transformer with LoRA on q and v.</summary>
public sealed class TransformerGradientTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, InputDomain> Domains = new() { ["targets"] = InputDomain.Indices(TinyTransformer.Classes) };

    [Fact]
    public void EveryLoraGradientEntryMatchesFiniteDifferences()
    {
        var t = new TinyTransformer(2, 0, 1);
        using var ort = new OrtEvaluator();
        // |g - fd| <= 1e-4 · max(|fd|, 1e-3 · max|fd| over the tensor)
        var options = new FiniteDifferenceOptions { Step = 1e-6, Tolerance = 1e-4, Floor = 1e-3 };
        var result = FiniteDifferenceChecker.Check(t.Model, t.Lora, ort.Evaluate, Domains, options);
        output.WriteLine(result.ToString());
        Assert.Equal(8, t.Lora.Count);
        Assert.Equal(4 * ((TinyTransformer.Rank * TinyTransformer.Width) + (TinyTransformer.Width * TinyTransformer.Rank)), result.Entries);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void NoBackwardNodeBelowTheFirstPetLayer()
    {
        var t = new TinyTransformer(2, 1);
        var model = GradientGraph.Build(t.Model, t.Loss, t.Lora);
        var layer0Values = model.Graph.Node.Where(n => n.Name.StartsWith("layer0/", StringComparison.Ordinal)).SelectMany(n => n.Output).ToHashSet();
        var backward = model.Graph.Node.Where(n => n.Name.StartsWith(GradientGraph.BackwardScope + "/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(backward);
        Assert.DoesNotContain(backward, n => n.Name.StartsWith($"{GradientGraph.BackwardScope}/layer0/", StringComparison.Ordinal));
        Assert.Empty(backward.Where(n => n.Input.Any(layer0Values.Contains)).Select(n => n.Name));
    }

    [Fact]
    public void FrozenWeightsStayInitializersAndOnlyLoraGradientsAreOutputs()
    {
        var t = new TinyTransformer(2, 0, 1);
        var model = GradientGraph.Build(t.Model, t.Loss, t.Lora);
        Assert.Equal(t.Model.Graph.Input.Select(i => i.Name), model.Graph.Input.Select(i => i.Name));
        var frozen = t.Model.Graph.Initializer.Select(i => i.Name).Where(n => n.Contains(".weight", StringComparison.Ordinal)).ToList();
        Assert.All(frozen, w => Assert.Contains(model.Graph.Initializer, i => i.Name == w));
        Assert.Equal([t.Loss, .. t.Lora.Select(l => l + ".grad")], model.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void OptimisedAndUnoptimisedSessionsAgree()
    {
        var t = new TinyTransformer(2, 0, 1);
        var model = GradientGraph.Build(t.Model, t.Loss, t.Lora);
        var rng = new Random(9);
        var inputs = new Dictionary<string, double[]>
        {
            ["x"] = [.. Enumerable.Range(0, 2 * TinyTransformer.Tokens * TinyTransformer.Width).Select(_ => rng.NextDouble() - 0.5)],
            ["targets"] = [1, 2],
        };
        foreach (var l in t.Lora)
        {
            inputs[l] = [.. Enumerable.Range(0, TinyTransformer.Rank * TinyTransformer.Width).Select(_ => rng.NextDouble() - 0.5)];
        }

        using var plain = new OrtEvaluator(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var optimised = new OrtEvaluator(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL);
        var a = plain.Evaluate(model, inputs);
        var b = optimised.Evaluate(model, inputs);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var name in a.Keys)
        {
            Assert.Contains(a[name], v => v != 0);
            for (int i = 0; i < a[name].Length; i++)
            {
                Assert.Equal(a[name][i], b[name][i], 1e-10);
            }
        }
    }

    [Fact]
    public void SymbolicBatchGivesTheSameGradientsAsAFixedBatch()
    {
        var fixedT = new TinyTransformer(2, 0, 1);
        var symbolicT = new TinyTransformer("batch", 0, 1);
        using var ort = new OrtEvaluator();
        var rng = new Random(3);
        var inputs = new Dictionary<string, double[]>
        {
            ["x"] = [.. Enumerable.Range(0, 2 * TinyTransformer.Tokens * TinyTransformer.Width).Select(_ => rng.NextDouble() - 0.5)],
            ["targets"] = [0, 2],
        };
        foreach (var l in fixedT.Lora)
        {
            inputs[l] = [.. Enumerable.Range(0, TinyTransformer.Rank * TinyTransformer.Width).Select(_ => rng.NextDouble() - 0.5)];
        }

        var a = ort.Evaluate(GradientGraph.Build(fixedT.Model, fixedT.Loss, fixedT.Lora), inputs);
        var symbolic = GradientGraph.Build(symbolicT.Model, symbolicT.Loss, symbolicT.Lora);
        using var symbolicOrt = new OrtEvaluator(dimSizes: new Dictionary<string, long> { ["batch"] = 2 });
        var b = symbolicOrt.Evaluate(symbolic, inputs);
        foreach (var name in a.Keys)
        {
            Assert.Equal(a[name].Length, b[name].Length);
            for (int i = 0; i < a[name].Length; i++)
            {
                Assert.Equal(a[name][i], b[name][i], 1e-12);
            }
        }
    }
}
