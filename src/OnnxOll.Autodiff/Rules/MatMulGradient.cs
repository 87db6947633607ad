using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>MatMul (numpy semantics: batched, broadcasting, 1-D operands): Y = A · B.</summary>
/// <remarks>A 2-D B (a weight) gets one flat GEMM per gradient instead of a batched product and a reduction.</remarks>
internal sealed class MatMulGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, a = ctx.Input(0), b = ctx.Input(1);
        int ra = ctx.RequireRank(a), rb = ctx.RequireRank(b);
        if (ra == 1 || rb == 1)
        {
            EmitVector(ctx, dY, a, b, ra, rb);
            return;
        }

        var batch = ctx.Facts(ctx.Output(0)).Dims?[..^2];
        var bDims = ctx.Facts(b).Dims!;
        if (rb == 2 && ra == 2)
        {
            // dA = dY · Bᵀ ; dB = Aᵀ · dY
            Set(ctx, 0, () => TimesTransposed(ctx, dY, b, bDims[1]));
            Set(ctx, 1, () => ctx.Op("Gemm", [a, dY], Attr.Int("transA", 1)));
            return;
        }

        if (rb == 2 && !bDims[0].IsSymbolic && !bDims[1].IsSymbolic)
        {
            long k = bDims[0].Value, n = bDims[1].Value;
            // dA = dY · Bᵀ   (one GEMM over all batch rows)
            Set(ctx, 0, () => ctx.Op("Reshape", TimesTransposed(ctx, ctx.Op("Reshape", dY, ctx.Int64s(-1, n)), b, n), ctx.ShapeOf(a)));
            // dB = Σ_batch Aᵀ · dY = A₂ᵀ · dY₂ with the batch rows flattened
            Set(ctx, 1, () => ctx.Op("Gemm", [ctx.Op("Reshape", a, ctx.Int64s(-1, k)), ctx.Op("Reshape", dY, ctx.Int64s(-1, n))], Attr.Int("transA", 1)));
            return;
        }

        var aDims = ctx.Facts(a).Dims!;
        if (ctx.IsGradientNeeded(0))
        {
            // dA = Σ_broadcast dY · Bᵀ
            string bt = ctx.Op("Transpose", [b], Attr.Ints("perm", SwapLast(rb)));
            ctx.SetGradient(0, ctx.ReduceToShape(ctx.Op("MatMul", dY, bt), batch is null ? null : [.. batch, aDims[^2], aDims[^1]], a));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = Σ_broadcast Aᵀ · dY
            string at = ctx.Op("Transpose", [a], Attr.Ints("perm", SwapLast(ra)));
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("MatMul", at, dY), batch is null ? null : [.. batch, bDims[^2], bDims[^1]], b));
        }
    }

    private static void EmitVector(GradientContext ctx, string dY, string a, string b, int ra, int rb)
    {
        var batch = ctx.Facts(ctx.Output(0)).Dims;
        if (ra == 1 && rb == 1)
        {
            // dA = dY · B ; dB = dY · A
            Set(ctx, 0, () => ctx.Op("Mul", dY, b));
            Set(ctx, 1, () => ctx.Op("Mul", dY, a));
            return;
        }

        if (ra == 1)
        {
            // A [K], B [… K N], Y [… N]
            var bd = ctx.Facts(b).Dims!;
            string dYRow = ctx.Op("Unsqueeze", dY, ctx.Int64s(-2));
            if (ctx.IsGradientNeeded(0))
            {
                // dA = Σ_batch dY · Bᵀ
                string bt = ctx.Op("Transpose", [b], Attr.Ints("perm", SwapLast(rb)));
                ctx.SetGradient(0, ctx.ReduceToShape(ctx.Op("MatMul", dYRow, bt), batch is null ? null : [.. batch[..^1], 1, bd[^2]], a));
            }

            if (ctx.IsGradientNeeded(1))
            {
                // dB = A ⊗ dY
                string outer = ctx.Op("MatMul", ctx.Op("Unsqueeze", a, ctx.Int64s(-1)), dYRow);
                ctx.SetGradient(1, ctx.ReduceToShape(outer, batch is null ? null : [.. batch[..^1], bd[^2], bd[^1]], b));
            }

            return;
        }

        // A [… M K], B [K], Y [… M]
        var ad = ctx.Facts(a).Dims!;
        if (ctx.IsGradientNeeded(0))
        {
            // dA = dY ⊗ B
            string outer = ctx.Op("MatMul", ctx.Op("Unsqueeze", dY, ctx.Int64s(-1)), ctx.Op("Unsqueeze", b, ctx.Int64s(0)));
            ctx.SetGradient(0, ctx.ReduceToShape(outer, batch is null ? null : [.. batch, ad[^1]], a));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = Σ_batch dY · A
            string prod = ctx.Op("MatMul", ctx.Op("Unsqueeze", dY, ctx.Int64s(-2)), a);
            ctx.SetGradient(1, ctx.ReduceToShape(prod, batch is null ? null : [.. batch[..^1], 1, ad[^1]], b));
        }
    }

    /// <summary>dY₂ · Bᵀ for 2-D dY₂ [M, N] and B [K, N]; a contraction N deeper than <see cref="GradientContext.MaxGemmDepth"/>
    /// is cut into near-equal slices whose GEMMs accumulate through Gemm's C input (Split of a constant B is folded by ORT).</summary>
    private static string TimesTransposed(GradientContext ctx, string dY, string b, Dim n)
    {
        int max = ctx.MaxGemmDepth;
        if (max <= 0 || n.IsSymbolic || n.Value <= max)
        {
            return ctx.Op("Gemm", [dY, b], Attr.Int("transB", 1));
        }

        int parts = (int)((n.Value + max - 1) / max);
        long[] sizes = [.. Enumerable.Range(0, parts).Select(i => (n.Value / parts) + (i < n.Value % parts ? 1 : 0))];
        string[] dYs = ctx.Op("Split", [dY, ctx.Int64s(sizes)], parts, Attr.Int("axis", 1));
        string[] bs = ctx.Op("Split", [b, ctx.Int64s(sizes)], parts, Attr.Int("axis", 1));
        // dY · Bᵀ = Σ_slices dYₛ · Bₛᵀ
        string sum = ctx.Op("Gemm", [dYs[0], bs[0]], Attr.Int("transB", 1));
        for (int i = 1; i < parts; i++)
        {
            sum = ctx.Op("Gemm", [dYs[i], bs[i], sum], Attr.Int("transB", 1));
        }

        return sum;
    }

    private static void Set(GradientContext ctx, int input, Func<string> gradient)
    {
        if (ctx.IsGradientNeeded(input))
        {
            ctx.SetGradient(input, gradient());
        }
    }

    private static long[] SwapLast(int rank) =>
        [.. Enumerable.Range(0, rank).Select(i => (long)(i == rank - 2 ? rank - 1 : i == rank - 1 ? rank - 2 : i))];
}
