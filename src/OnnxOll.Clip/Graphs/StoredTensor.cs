namespace OnnxOll.Clip.Graphs;

/// <summary>One CLIP parameter: its Hugging Face name and shape, and its name and shape in the stored (graph) layout.</summary>
public sealed record StoredTensor(string HfName, string StoredName, long[] StoredShape, long[] HfShape)
{
    /// <summary>Number of elements.</summary>
    public long Length => HfShape.Aggregate(1L, (a, d) => a * d);
}
