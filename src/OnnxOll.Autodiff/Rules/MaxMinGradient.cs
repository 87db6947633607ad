namespace OnnxOll.Autodiff.Rules;

/// <summary>Max and Min of two inputs: the gradient goes to the selected input (to A on ties).</summary>
internal sealed class MaxMinGradient(bool max) : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        if (ctx.InputCount != 2)
        {
            throw ctx.Unsupported($"only 2 inputs are supported, the node has {ctx.InputCount}");
        }

        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0), a = ctx.Input(0), b = ctx.Input(1);
        string pickA = ctx.Op(max ? "GreaterOrEqual" : "LessOrEqual", a, b);
        string zero = ctx.Scalar(0, dY);
        if (ctx.IsGradientNeeded(0))
        {
            // dA = Σ_broadcast dY ⊙ [A selected]
            ctx.SetGradient(0, ctx.ReduceToShape(ctx.Op("Where", pickA, dY, zero), y, a));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = Σ_broadcast dY ⊙ [B selected]
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("Where", pickA, zero, dY), y, b));
        }
    }
}
