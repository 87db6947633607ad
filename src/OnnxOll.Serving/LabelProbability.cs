namespace OnnxOll.Serving;

/// <summary>A candidate label and its predicted probability.</summary>
public sealed record LabelProbability(string Label, double Probability);
