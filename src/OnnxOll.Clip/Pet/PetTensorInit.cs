namespace OnnxOll.Clip.Pet;

/// <summary>Initial values of a PET tensor.</summary>
public enum PetTensorInit
{
    /// <summary>All zeros.</summary>
    Zeros,

    /// <summary>Uniform in ±1/sqrt(fan_in): PyTorch's kaiming_uniform(a=√5), PEFT's LoRA A default.</summary>
    KaimingUniform,

    /// <summary>Uniform in ±sqrt(6/(fan_in+fan_out)).</summary>
    XavierUniform,
}
