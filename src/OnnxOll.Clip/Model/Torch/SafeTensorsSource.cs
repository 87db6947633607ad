using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Model.Torch;

/// <summary>A Hugging Face-named <c>model.safetensors</c> as an <see cref="IClipTensorSource"/>.</summary>
internal sealed class SafeTensorsSource(SafeTensorsFile file) : IClipTensorSource
{
    public string Path => file.Path;

    public IEnumerable<string> Names => file.Tensors.Select(t => t.Name);

    public bool Contains(string name) => file.Contains(name);

    public (long[] Shape, string DType, bool IsFloat) Info(string name)
    {
        var info = file.Get(name);
        return (info.Shape, info.DType.ToString(), info.DType is SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.F64);
    }

    public string Describe(string name) => $"'{name}'";

    public float[] ReadFloat32(string name) => file.ReadFiniteFloat32(name);

    public void Dispose() => file.Dispose();
}
