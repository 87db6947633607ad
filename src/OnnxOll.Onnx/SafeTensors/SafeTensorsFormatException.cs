namespace OnnxOll.Onnx.SafeTensors;

/// <summary>A safetensors file is malformed or holds something other than what the caller asked for.</summary>
/// <remarks>The message is always "&lt;path&gt;: &lt;what is wrong&gt;". Derives from <see cref="IOException"/> because
/// <see cref="InvalidDataException"/> is sealed.</remarks>
public sealed class SafeTensorsFormatException : IOException
{
    public SafeTensorsFormatException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file the problem was found in.</summary>
    public string FilePath { get; }

    /// <summary>The message without the path prefix.</summary>
    public string Problem { get; }
}
