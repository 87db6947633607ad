using OnnxOll.Onnx.Graph;

namespace OnnxOll.Clip.Graphs;

/// <summary>ZSCL-style distillation to the frozen model as a loss term: weight · mean over the batch of CE(teacher, student), the
/// student being softmax(exp(logit_scale) · image · referenceᵀ) over a reference vocabulary.</summary>
/// <remarks>Inputs: <see cref="ClipGraphNames.ReferenceText"/> [R, P] (the reference classes' normalised frozen text features) and
/// <see cref="ClipGraphNames.TeacherProbabilities"/> [B, R] (the frozen model's distribution for each image).</remarks>
public sealed class ZeroShotDistillationTerm(double weight) : TrainingLossTerm
{
    /// <inheritdoc/>
    public override string Key => FormattableString.Invariant($"distill{weight:R}");

    /// <inheritdoc/>
    public override string Build(TrainingTermGraph graph)
    {
        var g = graph.Graph;
        string reference = graph.Input(ClipGraphNames.ReferenceText, "reference", graph.Dimension);
        string teacher = graph.Input(ClipGraphNames.TeacherProbabilities, "batch", "reference");
        string logits = g.Op("Mul", g.Op("MatMul", graph.ImageEmbeds, g.Op("Transpose", [reference], Attr.Ints("perm", 1, 0))), graph.Scale);
        string student = g.Op("LogSoftmax", [logits], Attr.Int("axis", -1));
        string crossEntropy = g.Op("ReduceSum", [g.Op("Mul", teacher, student), graph.Ints(-1)], Attr.Int("keepdims", 0));
        string mean = g.Op("ReduceMean", [crossEntropy], Attr.Int("keepdims", 0));
        return g.Op("Mul", mean, graph.Scalar(-weight));
    }
}
