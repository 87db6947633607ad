using Microsoft.ML.OnnxRuntime;

namespace OnnxOll.Runtime.Tests.GraphExecution;

/// <summary>A named float or int64 tensor fed to a graph under test.</summary>
public sealed record TensorData(string Name, Array Values, long[] Shape)
{
    public static TensorData Float(string name, float[] values, params long[] shape) => new(name, values, shape);

    public static TensorData Int64(string name, long[] values, params long[] shape) => new(name, values, shape);

    /// <summary>Copies the values into a bound tensor of the same element type.</summary>
    public void CopyTo(BoundTensor tensor)
    {
        switch (Values)
        {
            case float[] f: f.CopyTo(tensor.AsSpan<float>()); break;
            case long[] l: l.CopyTo(tensor.AsSpan<long>()); break;
            default: throw new NotSupportedException($"Test tensor '{Name}' holds {Values.GetType().Name}.");
        }
    }

    public override string ToString() => $"{Name}[{string.Join(",", Shape)}]";
}
