using OnnxOll.Inference;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>What a method's plugin is made with: the model, the run's settings, its folder and the batch plan's capacity.</summary>
/// <param name="Model">The model being learned on.</param>
/// <param name="Options">The run's settings (seed, batch size, prompts).</param>
/// <param name="RunDirectory">The run folder (full path), where a method may keep files next to its checkpoints.</param>
/// <param name="PlanCapacity">Most samples one batch plan holds (twice the batch size).</param>
public sealed record MethodHost(ClipModelRuntime Model, LearnerOptions Options, string RunDirectory, int PlanCapacity);
