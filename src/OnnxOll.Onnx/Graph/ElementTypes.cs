using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Graph;

/// <summary>Maps CLR element types to ONNX tensor data types and back.</summary>
public static class ElementTypes
{
    /// <summary>The ONNX data type of the CLR type <typeparamref name="T"/>.</summary>
    public static TensorProto.Types.DataType Of<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => TensorProto.Types.DataType.Float,
        var t when t == typeof(double) => TensorProto.Types.DataType.Double,
        var t when t == typeof(long) => TensorProto.Types.DataType.Int64,
        var t when t == typeof(int) => TensorProto.Types.DataType.Int32,
        var t when t == typeof(bool) => TensorProto.Types.DataType.Bool,
        var t when t == typeof(byte) => TensorProto.Types.DataType.Uint8,
        var t when t == typeof(sbyte) => TensorProto.Types.DataType.Int8,
        var t when t == typeof(Half) => TensorProto.Types.DataType.Float16,
        _ => throw new NotSupportedException($"No ONNX data type for {typeof(T).Name}."),
    };

    /// <summary>Size in bytes of one element of an ONNX data type.</summary>
    public static int SizeOf(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 4,
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64 => 8,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16
            or TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16 => 2,
        TensorProto.Types.DataType.Bool or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 => 1,
        _ => throw new NotSupportedException($"No fixed element size for ONNX data type {type}."),
    };
}
