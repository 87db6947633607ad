namespace OnnxOll.Clip.Model;

/// <summary>Maps Hugging Face <c>hidden_act</c> strings to <see cref="ClipActivation"/> and back.</summary>
public static class ClipActivationNames
{
    /// <summary>The activation named <paramref name="name"/>, or null when the name is not supported.</summary>
    public static ClipActivation? TryParse(string name) => name switch
    {
        "quick_gelu" => ClipActivation.QuickGelu,
        "gelu" => ClipActivation.Gelu,
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => ClipActivation.GeluTanh,
        "relu" => ClipActivation.Relu,
        _ => null,
    };

    /// <summary>The canonical Hugging Face name of <paramref name="activation"/>.</summary>
    public static string ToName(ClipActivation activation) => activation switch
    {
        ClipActivation.QuickGelu => "quick_gelu",
        ClipActivation.Gelu => "gelu",
        ClipActivation.GeluTanh => "gelu_pytorch_tanh",
        ClipActivation.Relu => "relu",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
