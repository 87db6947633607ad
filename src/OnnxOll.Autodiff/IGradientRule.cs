namespace OnnxOll.Autodiff;

/// <summary>The backward rule of one operator: emits the nodes computing its inputs' gradients from its outputs' gradients.</summary>
public interface IGradientRule
{
    /// <summary>Emits backward nodes for <see cref="GradientContext.Node"/> and sets the needed input gradients.</summary>
    void Emit(GradientContext ctx);
}
