namespace OnnxOll.Clip.Model.Torch;

/// <summary>Storage class names, element sizes and float-ness of <see cref="TorchDType"/>.</summary>
public static class TorchDTypes
{
    private static readonly Dictionary<string, TorchDType> ByStorage = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = TorchDType.Float32,
        ["HalfStorage"] = TorchDType.Float16,
        ["BFloat16Storage"] = TorchDType.BFloat16,
        ["DoubleStorage"] = TorchDType.Float64,
        ["LongStorage"] = TorchDType.Int64,
        ["IntStorage"] = TorchDType.Int32,
        ["ShortStorage"] = TorchDType.Int16,
        ["CharStorage"] = TorchDType.Int8,
        ["ByteStorage"] = TorchDType.UInt8,
        ["BoolStorage"] = TorchDType.Bool,
    };

    /// <summary>The dtype of storage class <c>torch.&lt;name&gt;</c>, or null when it is not a known storage class.</summary>
    public static TorchDType? FromStorageName(string name) => ByStorage.TryGetValue(name, out var d) ? d : null;

    /// <summary>Bytes per element.</summary>
    public static int Size(TorchDType dtype) => dtype switch
    {
        TorchDType.Float32 or TorchDType.Int32 => 4,
        TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Int16 => 2,
        TorchDType.Float64 or TorchDType.Int64 => 8,
        _ => 1,
    };

    /// <summary>True for the floating-point dtypes OnnxOll converts to float32.</summary>
    public static bool IsFloat(TorchDType dtype) => dtype is TorchDType.Float32 or TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Float64;
}
