using OnnxOll.Clip.Pet;

namespace OnnxOll.Serving;

/// <summary>An immutable copy of the PET tensors after a finished batch, with the vocabulary learned so far; swapped in atomically for predictions.</summary>
public sealed class PetSnapshot
{
    private PetSnapshot(long batches, long samples, PetParameters pet, IReadOnlyList<string> vocabulary)
    {
        Batches = batches;
        Samples = samples;
        Pet = pet;
        Vocabulary = vocabulary;
    }

    /// <summary>Batches learned when the snapshot was taken (its version).</summary>
    public long Batches { get; }

    /// <summary>Samples learned when the snapshot was taken.</summary>
    public long Samples { get; }

    /// <summary>The PET tensors (never written after creation).</summary>
    public PetParameters Pet { get; }

    /// <summary>The classes learned, in order of first appearance.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>Copies <paramref name="pet"/> and <paramref name="vocabulary"/>.</summary>
    public static PetSnapshot Copy(long batches, long samples, PetParameters pet, IReadOnlyList<string> vocabulary)
    {
        var copy = PetParameters.Create(pet.Layout, 0);
        foreach (var t in pet.Layout.Tensors)
        {
            pet[t.Name].AsSpan().CopyTo(copy[t.Name]);
        }

        return new PetSnapshot(batches, samples, copy, vocabulary.ToArray());
    }
}
