using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff;

/// <summary>Loss heads to append to a forward graph before <see cref="GradientGraph.Build"/>.</summary>
public static class Losses
{
    /// <summary>Mean softmax cross-entropy of <paramref name="logits"/> [N, C] against integer class <paramref name="targets"/> [N];
    /// returns the scalar loss's name.</summary>
    /// <remarks>One SoftmaxCrossEntropyLoss node: ORT has float and double kernels, and its gradient rule needs no OneHot.</remarks>
    public static string SoftmaxCrossEntropy(GraphBuilder g, string logits, string targets)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.Op("SoftmaxCrossEntropyLoss", [logits, targets], Attr.String("reduction", "mean"));
    }
}
