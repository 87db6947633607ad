namespace OnnxOll.Learning.Learner.Methods;

/// <summary>How well DDAS routed: of the last evaluation's images (all of streamed classes), the fraction sent to the learned PET
/// model; of the last holdout evaluation's images (never-streamed control classes), the fraction sent to the frozen model.</summary>
/// <param name="StreamedImages">Images of streamed classes routed in the last evaluation (0: none yet).</param>
/// <param name="StreamedToLearned">Their fraction sent to the learned PET model (NaN without images).</param>
/// <param name="ControlImages">Images of control classes routed in the last holdout evaluation (0: none yet).</param>
/// <param name="ControlToFrozen">Their fraction sent to the frozen (zero-shot) model (NaN without images).</param>
public sealed record DdasRouting(int StreamedImages, double StreamedToLearned, int ControlImages, double ControlToFrozen);
