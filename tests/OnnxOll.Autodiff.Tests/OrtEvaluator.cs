using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Autodiff.Tests;

/// <summary>The runtime's double evaluator on one thread at a chosen optimisation level, for the checks.</summary>
/// <remarks>Symbolic input dimensions take their sizes from <paramref name="dimSizes"/>.</remarks>
public sealed class OrtEvaluator(GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL, IReadOnlyDictionary<string, long>? dimSizes = null) : IDisposable
{
    private readonly DoubleEvaluator inner = new(new SessionSettings { IntraOpThreads = 1, OptimizationLevel = level }, dimSizes);

    public IReadOnlyDictionary<string, double[]> Evaluate(ModelProto model, IReadOnlyDictionary<string, double[]> inputs) => inner.Evaluate(model, inputs);

    public void Dispose() => inner.Dispose();
}
