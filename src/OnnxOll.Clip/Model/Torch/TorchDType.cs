namespace OnnxOll.Clip.Model.Torch;

/// <summary>The element type of a PyTorch storage, named by its legacy storage class (<c>torch.FloatStorage</c>, ...).</summary>
public enum TorchDType
{
    /// <summary><c>FloatStorage</c>, float32.</summary>
    Float32,

    /// <summary><c>HalfStorage</c>, float16.</summary>
    Float16,

    /// <summary><c>BFloat16Storage</c>, bfloat16.</summary>
    BFloat16,

    /// <summary><c>DoubleStorage</c>, float64.</summary>
    Float64,

    /// <summary><c>LongStorage</c>, int64 (e.g. position_ids buffers; not readable as float).</summary>
    Int64,

    /// <summary><c>IntStorage</c>, int32.</summary>
    Int32,

    /// <summary><c>ShortStorage</c>, int16.</summary>
    Int16,

    /// <summary><c>CharStorage</c>, int8.</summary>
    Int8,

    /// <summary><c>ByteStorage</c>, uint8.</summary>
    UInt8,

    /// <summary><c>BoolStorage</c>, bool.</summary>
    Bool,
}
