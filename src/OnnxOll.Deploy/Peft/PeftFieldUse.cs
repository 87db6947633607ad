namespace OnnxOll.Deploy.Peft;

/// <summary>How OnnxOll treats one <c>adapter_config.json</c> field of a PEFT LoRA.</summary>
public enum PeftFieldUse
{
    /// <summary>Read and applied as PEFT applies it.</summary>
    Honoured,

    /// <summary>Refused with one line when set to a value OnnxOll cannot apply as PEFT does.</summary>
    Refused,

    /// <summary>Has no effect on what the adapter computes at inference.</summary>
    Ignored,
}
