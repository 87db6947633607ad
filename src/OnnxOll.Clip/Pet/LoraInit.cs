namespace OnnxOll.Clip.Pet;

/// <summary>How LoRA matrices start (<c>init=zero|xavier</c>).</summary>
public enum LoraInit
{
    /// <summary>B = 0 and A kaiming-uniform (PEFT's default): the adapted model starts equal to the base model.</summary>
    Zero,

    /// <summary>A and B both Xavier-uniform (the official SIT code's q,k,v LoRA).</summary>
    Xavier,
}
