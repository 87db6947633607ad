using Microsoft.ML.OnnxRuntime;

namespace OnnxOll.Runtime;

/// <summary>An ONNX Runtime inference session together with the session and run options it was built with.</summary>
/// <remarks>Owns the <see cref="InferenceSession"/>, its <see cref="SessionOptions"/> and one <see cref="RunOptions"/>;
/// <see cref="Dispose"/> releases all three. Shared weights passed at creation are not owned and must outlive it.</remarks>
public sealed class OnnxSession : IDisposable
{
    private readonly SessionOptions options;
    private bool disposed;

    internal OnnxSession(InferenceSession session, SessionOptions options, RunOptions runOptions, string source)
    {
        Inner = session;
        this.options = options;
        RunOptions = runOptions;
        Source = source;
        InputNames = session.InputNames.ToArray();
        OptionalInputNames = session.OverridableInitializerMetadata.Keys.ToArray();
        InputMetadata = session.InputMetadata.Concat(session.OverridableInitializerMetadata).ToDictionary(StringComparer.Ordinal);
        OutputNames = session.OutputNames.ToArray();
    }

    /// <summary>The wrapped session; valid until this object is disposed.</summary>
    public InferenceSession Inner { get; }

    /// <summary>Run options used by every run of this session (log severity follows the settings).</summary>
    public RunOptions RunOptions { get; }

    /// <summary>Where the model came from (a path, or a description of the in-memory model), for messages.</summary>
    public string Source { get; }

    /// <summary>Names of the graph inputs every run must feed, in declaration order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Names of the graph inputs a run may feed: inputs with an initializer of their name (ONNX Runtime's overridable
    /// initializers), which the initializer supplies when they are not fed.</summary>
    public IReadOnlyList<string> OptionalInputNames { get; }

    /// <summary>Graph output names in declaration order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Element type and (possibly symbolic) shape of each input, optional ones included.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata { get; }

    /// <summary>Element type and (possibly symbolic) shape of each output.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => Inner.OutputMetadata;

    /// <summary>Producer, graph name and custom metadata of the model.</summary>
    public ModelMetadata ModelMetadata => Inner.ModelMetadata;

    /// <summary>Runs the model once; the caller owns (disposes) the returned outputs, in <see cref="OutputNames"/> order.</summary>
    /// <remarks>Convenient but allocating; loops should use <see cref="Bind"/>.</remarks>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyDictionary<string, OrtValue> inputs)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var name in InputNames)
        {
            if (!inputs.ContainsKey(name))
            {
                throw new ArgumentException($"{Source}: input '{name}' was not given (given: [{string.Join(", ", inputs.Keys)}]).", nameof(inputs));
            }
        }

        return Inner.Run(RunOptions, inputs, OutputNames.ToArray());
    }

    /// <summary>Creates an I/O binding for repeated allocation-free runs; the caller owns (disposes) it, before this session.</summary>
    public BoundRun Bind()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new BoundRun(this);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Inner.Dispose();
        RunOptions.Dispose();
        options.Dispose();
    }
}
