using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Deploy.Pet;

/// <summary>Picks the PET tensors out of a checkpoint's safetensors file, leaving the AdamW moments (<c>.adam_m</c>, <c>.adam_v</c>) behind.</summary>
public static class CheckpointPet
{
    /// <summary>True when <paramref name="name"/> is an optimizer moment or learner state (prototypes): training state, not a PET tensor.</summary>
    public static bool IsTrainingState(string name) =>
        name.EndsWith(CheckpointStore.FirstMomentSuffix, StringComparison.Ordinal) || name.EndsWith(CheckpointStore.SecondMomentSuffix, StringComparison.Ordinal)
        || name.StartsWith(CheckpointStore.StatePrefix, StringComparison.Ordinal);

    /// <summary>The PET tensors of a checkpoint (or plain PET) safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors.</exception>
    public static PetTensorSet Read(string path) => PetTensorSet.ReadSafeTensors(path, name => !IsTrainingState(name));
}
