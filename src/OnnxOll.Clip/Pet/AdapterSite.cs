namespace OnnxOll.Clip.Pet;

/// <summary>An adapter insertion point of one encoder layer: the graph inputs of down [dim, D] and up [D, dim] with biases.</summary>
public sealed record AdapterSite(string DownWeight, string DownBias, string UpWeight, string UpBias, double Scale, double Dropout);
