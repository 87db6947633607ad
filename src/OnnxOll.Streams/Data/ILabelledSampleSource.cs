namespace OnnxOll.Streams.Data;

/// <summary>An indexed set of labelled images whose labels are known up front and whose payloads are read on demand.</summary>
/// <remarks><see cref="Read"/> may be called from a background thread, one call at a time per source.</remarks>
public interface ILabelledSampleSource : IDisposable
{
    /// <summary>A name for messages (path and split).</summary>
    string Name { get; }

    /// <summary>The class name of every sample, by index; no payload is read to produce it.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>Reads the payload of sample <paramref name="index"/>.</summary>
    LabelledSample Read(int index);
}
