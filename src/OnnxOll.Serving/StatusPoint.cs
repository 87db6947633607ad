namespace OnnxOll.Serving;

/// <summary>One point of the learning curve: samples learned, the batch's mean loss and its test-then-train accuracy.</summary>
public sealed record StatusPoint(long Samples, double Loss, double? Accuracy);
