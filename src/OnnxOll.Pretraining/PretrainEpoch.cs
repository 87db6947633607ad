namespace OnnxOll.Pretraining;

/// <summary>One finished epoch: mean training loss, zero-shot accuracy on the test images of the trained classes, logit scale, seconds of training.</summary>
public sealed record PretrainEpoch(int Epoch, double MeanLoss, double ZeroShotAccuracy, float LogitScale, double Seconds);
