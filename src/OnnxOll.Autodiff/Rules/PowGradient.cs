namespace OnnxOll.Autodiff.Rules;

/// <summary>Pow: Y = X^P; a constant scalar exponent gets a folded derivative, otherwise P's gradient is available too.</summary>
internal sealed class PowGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0), x = ctx.Input(0), p = ctx.Input(1);
        if (ctx.IsGradientNeeded(0))
        {
            string dX;
            if (ctx.ConstantDoubles(p) is [var c])
            {
                // dX = dY ⊙ c·X^(c-1)
                dX = c switch
                {
                    1 => dY,
                    2 => ctx.Op("Mul", dY, ctx.Op("Mul", x, ctx.Scalar(2, x))),
                    _ => ctx.Op("Mul", dY, ctx.Op("Mul", ctx.Op("Pow", x, ctx.Scalar(c - 1, x)), ctx.Scalar(c, x))),
                };
            }
            else
            {
                // dX = dY ⊙ P·X^(P-1)
                string pc = ctx.Op("Cast", [p], Onnx.Graph.Attr.Int("to", (long)ctx.TypeOf(x)));
                dX = ctx.Op("Mul", dY, ctx.Op("Mul", ctx.Op("Pow", x, ctx.Op("Sub", pc, ctx.Scalar(1, x))), pc));
            }

            ctx.SetGradient(0, ctx.ReduceToShape(dX, y, x));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dP = Σ_broadcast dY ⊙ Y ⊙ ln X
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("Mul", ctx.Op("Mul", dY, y), ctx.Op("Log", x)), y, p));
        }
    }
}
