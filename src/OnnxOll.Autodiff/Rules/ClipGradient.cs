namespace OnnxOll.Autodiff.Rules;

/// <summary>Clip: Y = min(max(X, lo), hi) with optional bounds; the gradient passes where X is inside the bounds.</summary>
internal sealed class ClipGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        string? inside = null;
        if (ctx.HasInput(1))
        {
            inside = ctx.Op("GreaterOrEqual", x, ctx.Input(1));
        }

        if (ctx.HasInput(2))
        {
            string below = ctx.Op("LessOrEqual", x, ctx.Input(2));
            inside = inside is null ? below : ctx.Op("And", inside, below);
        }

        // dX = lo ≤ X ≤ hi ? dY : 0
        ctx.SetGradient(0, inside is null ? dY : ctx.Op("Where", inside, dY, ctx.Scalar(0, x)));
    }
}
