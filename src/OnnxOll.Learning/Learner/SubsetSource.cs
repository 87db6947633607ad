using OnnxOll.Streams.Data;

namespace OnnxOll.Learning.Learner;

/// <summary>A view of some samples of another source, re-indexed from 0 (e.g. the stream without held-out classes).</summary>
public sealed class SubsetSource : ILabelledSampleSource
{
    private readonly ILabelledSampleSource inner;
    private readonly int[] indices;
    private readonly string[] labels;

    /// <summary>Keeps the samples of <paramref name="inner"/> whose label satisfies <paramref name="keep"/>; does not own <paramref name="inner"/>.</summary>
    public SubsetSource(ILabelledSampleSource inner, Func<string, bool> keep)
        : this(inner, Enumerable.Range(0, inner.Labels.Count).Where(i => keep(inner.Labels[i])))
    {
    }

    /// <summary>Keeps the samples of <paramref name="inner"/> at <paramref name="keep"/> (indices into it, in that order); does not own <paramref name="inner"/>.</summary>
    public SubsetSource(ILabelledSampleSource inner, IEnumerable<int> keep)
    {
        this.inner = inner;
        indices = [.. keep];
        labels = [.. indices.Select(i => inner.Labels[i])];
    }

    /// <summary>The index in the inner source of each sample of this view.</summary>
    public IReadOnlyList<int> InnerIndices => indices;

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public IReadOnlyList<string> Labels => labels;

    /// <inheritdoc/>
    public LabelledSample Read(int index) => inner.Read(indices[index]);

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
