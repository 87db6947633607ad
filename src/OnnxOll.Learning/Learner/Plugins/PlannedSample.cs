namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>One sample of a <see cref="BatchPlan"/>: its class name and preprocessed pixels [C·H·W] (a value: planning a batch allocates nothing).</summary>
/// <param name="Label">The class name (joins the vocabulary when new).</param>
/// <param name="Pixels">Preprocessed pixels in the model's layout; read when the batch is staged.</param>
/// <param name="FromStream">True for the stream's own samples, false for those a plugin added.</param>
public readonly record struct PlannedSample(string Label, float[] Pixels, bool FromStream);
