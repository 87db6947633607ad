using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Facts a graph declares in its value infos, and how they combine with inferred ones.</summary>
internal static class DeclaredFacts
{
    /// <summary>The type and dimensions of a value info, or null when it declares no tensor type.</summary>
    public static ValueFacts? FromValueInfo(ValueInfoProto v)
    {
        var tt = v.Type?.TensorType;
        if (tt is null || tt.ElemType == 0)
        {
            return null;
        }

        Dim[]? dims = tt.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => (Dim)d.DimValue,
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => (Dim)d.DimParam,
            _ => ValueFacts.Unknown,
        }).ToArray();
        return new ValueFacts((DataType)tt.ElemType, dims);
    }

    /// <summary>Combines inferred and declared facts dimension by dimension: a fixed size beats a symbol beats unknown;
    /// a declared rank wins when the two disagree.</summary>
    public static ValueFacts? Merge(ValueFacts? inferred, ValueFacts? declared)
    {
        if (inferred is null || declared is null)
        {
            return inferred ?? declared;
        }

        if (declared.Dims is null)
        {
            return inferred;
        }

        if (inferred.Dims is null || inferred.Dims.Length != declared.Dims.Length)
        {
            return inferred with { Dims = declared.Dims };
        }

        var dims = inferred.Dims.Zip(declared.Dims, (a, b) => !a.IsSymbolic ? a : !b.IsSymbolic ? b : a.Param is not null ? a : b).ToArray();
        return inferred with { Dims = dims };
    }
}
