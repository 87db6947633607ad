using OnnxOll.Streams.Data;

namespace OnnxOll.Streams.Synthetic;

/// <summary>Opens any data spec: the file-based kinds of <see cref="DataSpec"/> plus <c>synthetic:...</c> (procedural shapes).</summary>
public static class DataSources
{
    /// <summary>The prefix of procedural data specs.</summary>
    public const string SyntheticPrefix = "synthetic";

    /// <summary>Opens the train/test sources named by <paramref name="spec"/>; an unknown kind's error lists <paramref name="otherKinds"/> too.</summary>
    public static DataSplits Open(string spec, IReadOnlyList<string>? otherKinds = null)
    {
        if (spec == SyntheticPrefix)
        {
            return SyntheticShapesSource.OpenSplits(string.Empty);
        }

        return spec.StartsWith(SyntheticPrefix + ":", StringComparison.Ordinal)
            ? SyntheticShapesSource.OpenSplits(spec[(SyntheticPrefix.Length + 1)..])
            : DataSpec.Open(spec, [SyntheticPrefix, .. otherKinds ?? []]);
    }
}
