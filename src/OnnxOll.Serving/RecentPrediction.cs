namespace OnnxOll.Serving;

/// <summary>A prediction the service answered: when, the top label and its probability, and the PET version used.</summary>
public sealed record RecentPrediction(DateTime Utc, string Label, double Probability, long Batches);
