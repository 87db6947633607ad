namespace OnnxOll.Onnx.SafeTensors;

/// <summary>Element types a safetensors file can hold (the subset OnnxOll reads and writes).</summary>
public enum SafeTensorDType
{
    F32,
    F64,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
}
