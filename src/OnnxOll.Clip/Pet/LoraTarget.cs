namespace OnnxOll.Clip.Pet;

/// <summary>A linear layer of an encoder layer that LoRA can adapt (<c>targets=q+v</c>); the order is the canonical print order.</summary>
public enum LoraTarget
{
    /// <summary><c>self_attn.q_proj</c>.</summary>
    Q,

    /// <summary><c>self_attn.k_proj</c>.</summary>
    K,

    /// <summary><c>self_attn.v_proj</c>.</summary>
    V,

    /// <summary>q, k and v sharing one A (as the official SIT code's fused in-projection): <c>self_attn.qkv.lora_A</c> [r, D], <c>.lora_B</c> [3D, r], B's rows q then k then v.</summary>
    Qkv,

    /// <summary><c>self_attn.out_proj</c>.</summary>
    O,

    /// <summary><c>mlp.fc1</c>.</summary>
    Fc1,

    /// <summary><c>mlp.fc2</c>.</summary>
    Fc2,
}
