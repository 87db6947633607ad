using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Graphs;

/// <summary>Every weight of a CLIP model as a graph input in the stored layout (full-parameter training and its evaluation graphs).</summary>
public sealed class TrainableWeights : IClipWeightSource
{
    private readonly Dictionary<string, long[]> shapes;

    /// <summary>The weights of a model of <paramref name="config"/>: one input per Hugging Face parameter, named and shaped as stored.</summary>
    public TrainableWeights(ClipConfig config)
    {
        Config = config;
        Parameters = ClipParameterShapes.For(config)
            .Select(p => new StoredTensor(p.Name, ClipStoredLayout.StoredName(p.Name), ClipStoredLayout.StoredShape(p.Name, p.Shape), p.Shape))
            .ToArray();
        shapes = Parameters.ToDictionary(p => p.StoredName, p => p.StoredShape, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public ClipConfig Config { get; }

    /// <summary>Every parameter in the stable order of <see cref="ClipParameterShapes.For"/>.</summary>
    public IReadOnlyList<StoredTensor> Parameters { get; }

    /// <inheritdoc/>
    public long[] Shape(string name) =>
        shapes.TryGetValue(name, out var s) ? s : throw new KeyNotFoundException($"No CLIP parameter '{name}' in the stored layout.");
}
