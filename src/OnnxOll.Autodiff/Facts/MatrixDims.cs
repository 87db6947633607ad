using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Output dimensions of matrix products: MatMul (batched, 1-D operands) and Gemm.</summary>
internal static class MatrixDims
{
    /// <summary>MatMul with numpy semantics: broadcast batch dimensions, then [M, K] · [K, N] → [M, N].</summary>
    public static Dim[]? MatMul(Dim[]? a, Dim[]? b)
    {
        if (a is null || b is null)
        {
            return null;
        }

        var a2 = a.Length == 1 ? new Dim[] { 1, a[0] } : a;
        var b2 = b.Length == 1 ? new Dim[] { b[0], 1 } : b;
        var batch = BroadcastDims.Of([new ValueFacts(DataType.Float, a2[..^2]), new ValueFacts(DataType.Float, b2[..^2])])!;
        var result = batch.ToList();
        if (a.Length > 1)
        {
            result.Add(a2[^2]);
        }

        if (b.Length > 1)
        {
            result.Add(b2[^1]);
        }

        return [.. result];
    }

    /// <summary>Gemm: [M, N] from 2-D operands, each possibly transposed.</summary>
    public static Dim[]? Gemm(Dim[]? a, Dim[]? b, bool transA, bool transB) =>
        a is null || b is null ? null : [transA ? a[1] : a[0], transB ? b[0] : b[1]];
}
