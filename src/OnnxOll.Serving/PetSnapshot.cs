using OnnxOll.Clip.Pet;
using OnnxOll.Inference;

namespace OnnxOll.Serving;

/// <summary>An immutable copy of the PET tensors after a finished batch, with the vocabulary learned so far; swapped in atomically for predictions.</summary>
public sealed class PetSnapshot
{
    private PetSnapshot(long batches, long samples, PetParameters pet, IReadOnlyList<string> vocabulary, AutoencoderRouter? router)
    {
        Router = router;
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

    /// <summary>The DDAS router of the run's latest checkpoint (null: the run learns without DDAS); only the <see cref="Predictor"/> uses it.</summary>
    public AutoencoderRouter? Router { get; }

    /// <summary>Copies <paramref name="pet"/> and <paramref name="vocabulary"/>; <paramref name="router"/> is shared, not copied (never written after loading).</summary>
    public static PetSnapshot Copy(long batches, long samples, PetParameters pet, IReadOnlyList<string> vocabulary, AutoencoderRouter? router = null)
    {
        var copy = PetParameters.Create(pet.Layout, 0);
        foreach (var t in pet.Layout.Tensors)
        {
            pet[t.Name].AsSpan().CopyTo(copy[t.Name]);
        }

        return new PetSnapshot(batches, samples, copy, vocabulary.ToArray(), router);
    }
}
