using Microsoft.ML.OnnxRuntime;

namespace OnnxOll.Runtime;

/// <summary>Thrown when a session asks for an execution provider that the loaded ONNX Runtime native library does not contain.</summary>
public sealed class ExecutionProviderUnavailableException(string message) : InvalidOperationException(message)
{
    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>Throws when <paramref name="providerName"/> is not among the providers the native library reports.</summary>
    public static void ThrowIfMissing(string providerName)
    {
        string[] available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(providerName, StringComparer.Ordinal))
        {
            throw new ExecutionProviderUnavailableException(
                $"Execution provider '{providerName}' was requested, but the loaded ONNX Runtime native library " +
                $"(version {OrtEnv.Instance().GetVersionString()}) offers only [{string.Join(", ", available)}]: the CPU package " +
                "Microsoft.ML.OnnxRuntime is installed. Rebuild with 'dotnet build -p:OnnxOllGpu=true' to use the GPU package " +
                "Microsoft.ML.OnnxRuntime.Gpu (needs CUDA 12 and cuDNN 9 on the machine), or choose the cpu provider.");
        }
    }
}
