namespace OnnxOll.Onnx.SafeTensors;

/// <summary>Element sizes and header names ("F32", "BOOL", ...) of <see cref="SafeTensorDType"/> values.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Every supported dtype, in declaration order.</summary>
    public static IReadOnlyList<SafeTensorDType> All { get; } = Enum.GetValues<SafeTensorDType>();

    /// <summary>Size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.I16 => 2,
        SafeTensorDType.I8 or SafeTensorDType.U8 or SafeTensorDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The name the safetensors header uses for <paramref name="dtype"/>.</summary>
    public static string ToName(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.Bool => "BOOL",
        SafeTensorDType.F32 or SafeTensorDType.F64 or SafeTensorDType.F16 or SafeTensorDType.BF16
            or SafeTensorDType.I64 or SafeTensorDType.I32 or SafeTensorDType.I16 or SafeTensorDType.I8
            or SafeTensorDType.U8 => dtype.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>Parses a header dtype name (case-sensitive, as the format specifies); false for unknown names.</summary>
    public static bool TryParse(string name, out SafeTensorDType dtype)
    {
        foreach (var candidate in All)
        {
            if (ToName(candidate) == name)
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>Parses a header dtype name; throws <see cref="FormatException"/> listing the known names if unknown.</summary>
    public static SafeTensorDType Parse(string name) =>
        TryParse(name, out var dtype)
            ? dtype
            : throw new FormatException($"unknown safetensors dtype '{name}', expected one of {KnownNames}");

    /// <summary>The supported header names joined with ", " (for error messages).</summary>
    public static string KnownNames { get; } = string.Join(", ", All.Select(ToName));
}
