namespace OnnxOll.Runtime;

/// <summary>The ONNX Runtime execution provider a session runs on.</summary>
public enum ExecutionProviderKind
{
    /// <summary>The CPU provider, always present.</summary>
    Cpu,

    /// <summary>The CUDA provider; needs the GPU build of ONNX Runtime (MSBuild switch <c>-p:OnnxOllGpu=true</c>).</summary>
    Cuda,
}
