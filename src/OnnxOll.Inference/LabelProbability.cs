namespace OnnxOll.Inference;

/// <summary>One candidate label of a prediction and its softmax probability.</summary>
/// <param name="Label">The class name.</param>
/// <param name="Probability">softmax(exp(logit_scale) · cos) over the candidate labels.</param>
public sealed record LabelProbability(string Label, double Probability);
