using Microsoft.ML.OnnxRuntime;

namespace OnnxOll.Runtime;

/// <summary>How ONNX Runtime sessions are configured: provider, threads, graph optimisation, determinism, logging.</summary>
/// <remarks>Defaults follow ONNX Runtime's own except the thread counts, which are pinned so runs are reproducible.</remarks>
public sealed record SessionSettings
{
    /// <summary>Settings with every default: CPU, intra-op threads = processor count, one inter-op thread, ORT_ENABLE_ALL.</summary>
    public static SessionSettings Default { get; } = new();

    /// <summary>The execution provider (default CPU).</summary>
    public ExecutionProviderKind ExecutionProvider { get; init; } = ExecutionProviderKind.Cpu;

    /// <summary>The CUDA device ordinal, used only with <see cref="ExecutionProviderKind.Cuda"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Whether ONNX Runtime plans one memory block for a run's intermediate values from the first run's pattern.</summary>
    /// <remarks>Off for the training step: on ViT-B/32 the planned block held about twice the activations that the arena's
    /// own allocation did (peak RSS of the int8 step at batch 10: 967 MB with the pattern, 647 MB without), at the same speed.</remarks>
    public bool MemoryPattern { get; init; } = true;

    /// <summary>Threads used inside one operator (default <see cref="Environment.ProcessorCount"/>).</summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Threads used to run independent operators in parallel (default 1: sequential execution).</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>Whether idle intra-op threads spin before sleeping (ONNX Runtime's default, true); false saves CPU between runs.</summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>Graph optimisation level (default all optimisations).</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>When set, ONNX Runtime writes the optimised graph to this path while creating the session.</summary>
    public string? OptimizedModelPath { get; init; }

    /// <summary>Asks kernels for deterministic algorithms (session config <c>session.use_deterministic_compute</c>).</summary>
    public bool DeterministicCompute { get; init; }

    /// <summary>Symbolic dimensions fixed to a size for this session (ONNX Runtime free-dimension overrides, by dim_param name).</summary>
    /// <remarks>With every dimension known, ONNX Runtime folds shape computations, fuses MatMul + bias Add into Gemm for
    /// 3-D activations and plans activation memory once; inputs must then have exactly these sizes.</remarks>
    public IReadOnlyDictionary<string, long>? FreeDimensions { get; init; }

    /// <summary>Minimum severity ONNX Runtime logs for the session and its runs (default fatal: its errors reach the caller as exceptions,
    /// and a command reports them as one line; ONNX Runtime's own coloured log lines on stderr would come on top of it).</summary>
    public OrtLoggingLevel LogSeverity { get; init; } = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    /// <summary>Settings for <paramref name="provider"/> with the given overrides and defaults elsewhere.</summary>
    public static SessionSettings Create(
        ExecutionProviderKind provider = ExecutionProviderKind.Cpu,
        int? intraOpThreads = null,
        int? interOpThreads = null,
        bool deterministicCompute = false) => new()
        {
            ExecutionProvider = provider,
            IntraOpThreads = intraOpThreads ?? Environment.ProcessorCount,
            InterOpThreads = interOpThreads ?? 1,
            DeterministicCompute = deterministicCompute,
        };

    /// <summary>Builds native session options from these settings; the caller owns (disposes) the result.</summary>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for but the native library lacks it.</exception>
    public SessionOptions ToSessionOptions()
    {
        Validate();
        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = InterOpThreads;
            options.ExecutionMode = InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL;
            options.GraphOptimizationLevel = OptimizationLevel;
            options.LogSeverityLevel = LogSeverity;
            options.EnableMemoryPattern = MemoryPattern;
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", AllowSpinning ? "1" : "0");
            if (DeterministicCompute)
            {
                options.AddSessionConfigEntry("session.use_deterministic_compute", "1");
            }

            foreach (var (name, size) in FreeDimensions ?? new Dictionary<string, long>())
            {
                options.AddFreeDimensionOverrideByName(name, size);
            }

            if (OptimizedModelPath is not null)
            {
                options.OptimizedModelFilePath = OptimizedModelPath;
            }

            if (ExecutionProvider == ExecutionProviderKind.Cuda)
            {
                ExecutionProviderUnavailableException.ThrowIfMissing(ExecutionProviderUnavailableException.CudaProviderName);
                options.AppendExecutionProvider_CUDA(CudaDeviceId);
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Intra-op thread count must be >= 0 (0 lets ONNX Runtime choose).");
        }

        if (FreeDimensions?.FirstOrDefault(d => d.Value < 1) is { Key: not null } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(FreeDimensions), bad.Value, $"Free dimension '{bad.Key}' must be fixed to a size >= 1.");
        }

        if (InterOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Inter-op thread count must be >= 0 (0 lets ONNX Runtime choose).");
        }
    }
}
