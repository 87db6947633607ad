namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>A task boundary: the tasks on either side (the same index for one a plugin announced) and who drew it.</summary>
/// <param name="EndedTask">The task that ended (-1 before the first batch).</param>
/// <param name="NextTask">The task that begins (-1 when the stream ended).</param>
/// <param name="Announced">True when a plugin announced it (<see cref="LearnerContext.AnnounceTaskBoundary"/>), false for the scenario's.</param>
public sealed record TaskBoundary(int EndedTask, int NextTask, bool Announced);
