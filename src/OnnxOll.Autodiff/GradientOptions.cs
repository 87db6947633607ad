namespace OnnxOll.Autodiff;

/// <summary>Settings of <see cref="GradientGraph.Build"/>.</summary>
public sealed class GradientOptions
{
    /// <summary>Suffix appended to a trainable's name to name its gradient output (default ".grad").</summary>
    public string GradientSuffix { get; init; } = ".grad";

    /// <summary>Remove forward nodes and initializers that no output of the training graph needs (default true).</summary>
    public bool RemoveDeadNodes { get; init; } = true;

    /// <summary>Receives notes about the built graph, such as a trainable whose gradient is identically zero.</summary>
    public Action<string>? OnNote { get; init; }
}
