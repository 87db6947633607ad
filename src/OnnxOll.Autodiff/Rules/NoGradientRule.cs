namespace OnnxOll.Autodiff.Rules;

/// <summary>Operators whose outputs carry no gradient (shapes, comparisons, indices): emits nothing.</summary>
internal sealed class NoGradientRule : IGradientRule
{
    public static readonly NoGradientRule Instance = new();

    public void Emit(GradientContext ctx)
    {
    }
}
