namespace OnnxOll.Inference;

/// <summary>Every class of one image with its probability, most likely first, and the model that served it.</summary>
/// <param name="Labels">The classes with their probabilities.</param>
/// <param name="Route">The model a router chose (null: no router; the learned model served it).</param>
public sealed record RoutedPrediction(IReadOnlyList<LabelProbability> Labels, InputRoute? Route);
