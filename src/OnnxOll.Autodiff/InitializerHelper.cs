using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff;

/// <summary>Adds constants under generated names.</summary>
/// <remarks>GraphBuilder's ConstInt64/Scalar reserve the generated name twice and throw; this sidesteps that.</remarks>
internal static class InitializerHelper
{
    public static string Constant<T>(this GraphBuilder g, string hint, ReadOnlySpan<T> data, params long[] dims) where T : unmanaged
    {
        string name = g.UniqueName(hint);
        g.Graph.Initializer.Add(Tensors.Create(name, data, dims));
        return name;
    }
}
