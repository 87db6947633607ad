namespace OnnxOll.Clip.Model;

/// <summary>The MLP activation of a CLIP encoder (<c>hidden_act</c> in config.json).</summary>
public enum ClipActivation
{
    /// <summary><c>quick_gelu</c>: x · sigmoid(1.702 x), CLIP's default.</summary>
    QuickGelu,

    /// <summary><c>gelu</c>: the exact erf form, x · Φ(x).</summary>
    Gelu,

    /// <summary><c>gelu_new</c>, <c>gelu_pytorch_tanh</c>, <c>gelu_fast</c>: the tanh approximation.</summary>
    GeluTanh,

    /// <summary><c>relu</c>.</summary>
    Relu,
}
