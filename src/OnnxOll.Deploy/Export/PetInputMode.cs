namespace OnnxOll.Deploy.Export;

/// <summary>Whether an export's vision.onnx and text.onnx PET inputs have zero initializers (optional) or must be fed (required).</summary>
/// <remarks>Optional inputs suit runtimes that apply an <c>.onnx_adapter</c> (onnxruntime native and -web) or run the base model; onnxruntime-node
/// leaves out every input that has an initializer (a fed tensor is silently ignored) and has no adapter API, so it needs required inputs
/// (or the merged graphs).</remarks>
public enum PetInputMode
{
    /// <summary>Each PET input has an initializer of zeros: the graph runs the base model unless the tensors are fed or an adapter is active.</summary>
    Optional,

    /// <summary>No initializers: every PET input must be fed (pet.safetensors; zeros give the base model).</summary>
    Required,
}
