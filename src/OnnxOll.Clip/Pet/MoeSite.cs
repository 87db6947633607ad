namespace OnnxOll.Clip.Pet;

/// <summary>The adapter experts of one encoder layer: router [E, D], down [E, dim, D] and up [E, D, dim] with biases, as graph inputs.</summary>
public sealed record MoeSite(string RouterWeight, string DownWeight, string DownBias, string UpWeight, string UpBias, MoeSpec Spec);
