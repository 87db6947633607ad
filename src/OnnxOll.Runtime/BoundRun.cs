using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxOll.Runtime;

/// <summary>Repeated runs of one session over preallocated, bound inputs and outputs: <see cref="Run"/> allocates nothing managed.</summary>
/// <remarks>Owns its <see cref="OrtIoBinding"/>, every <see cref="BoundTensor"/> it hands out and the outputs of dynamic shape
/// fetched after a run; <see cref="Dispose"/> releases them all. The session must outlive it. Not thread-safe.
/// Each input or output keeps a small cache of tensors per shape, so a shape that changes per batch (the number of
/// classes, say) rebinds without reallocating once each shape has been seen.</remarks>
public sealed class BoundRun : IDisposable
{
    /// <summary>How many shapes each input or output keeps cached before the least recently used one is released.</summary>
    public const int ShapeCacheCapacity = 16;

    private readonly OnnxSession session;
    private readonly OrtIoBinding binding;
    private readonly Dictionary<string, BoundSlot> inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundSlot> outputs = new(StringComparer.Ordinal);
    private readonly List<string> dynamicOutputNames = [];
    private readonly Dictionary<string, OrtValue> dynamicOutputs = new(StringComparer.Ordinal);
    private IDisposableReadOnlyCollection<OrtValue>? fetched;
    private bool disposed;

    internal BoundRun(OnnxSession session)
    {
        this.session = session;
        binding = session.Inner.CreateIoBinding();
    }

    /// <summary>Binds input <paramref name="name"/> to a tensor of <paramref name="shape"/> (reused when seen before) and returns it.</summary>
    /// <remarks>Write the input through <see cref="BoundTensor.AsSpan{T}"/> before <see cref="Run"/>. Allocates only for a new shape.</remarks>
    public BoundTensor Input(string name, params ReadOnlySpan<long> shape) =>
        Bind(inputs, session.InputMetadata, "input", name, shape, static (b, n, v) => b.BindInput(n, v));

    /// <summary>Binds output <paramref name="name"/> to a preallocated tensor of <paramref name="shape"/>, which each run overwrites.</summary>
    public BoundTensor Output(string name, params ReadOnlySpan<long> shape) =>
        Bind(outputs, session.OutputMetadata, "output", name, shape, static (b, n, v) => b.BindOutput(n, v));

    /// <summary>Lets ONNX Runtime allocate output <paramref name="name"/> on the CPU each run (slower; for outputs of unknown shape).</summary>
    public void DynamicOutput(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        RequireName(session.OutputMetadata, "output", name);
        if (outputs.ContainsKey(name) || dynamicOutputNames.Contains(name))
        {
            throw new InvalidOperationException($"{session.Source}: output '{name}' is already bound.");
        }

        dynamicOutputNames.Add(name);
    }

    /// <summary>Runs the session once on the bound tensors.</summary>
    /// <exception cref="InvalidOperationException">An input is not bound.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var required = session.InputNames;
        for (int i = 0; i < required.Count; i++)
        {
            if (!inputs.ContainsKey(required[i]))
            {
                var missing = required.Where(n => !inputs.ContainsKey(n));
                throw new InvalidOperationException($"{session.Source}: inputs [{string.Join(", ", missing)}] are not bound.");
            }
        }

        if (dynamicOutputNames.Count == 0)
        {
            session.Inner.RunWithBinding(session.RunOptions, binding);
            return;
        }

        // The binding keeps the previous run's dynamic outputs (with their shapes): bind them to the allocator afresh.
        foreach (var name in dynamicOutputNames)
        {
            binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
        }

        session.Inner.RunWithBinding(session.RunOptions, binding);
        FetchDynamicOutputs();
    }

    /// <summary>The value of a dynamic output from the last run; owned by this run, valid until the next run or disposal.</summary>
    public OrtValue ReadDynamicOutput(string name) =>
        dynamicOutputs.TryGetValue(name, out var v) ? v
            : throw new InvalidOperationException($"{session.Source}: output '{name}' is not a dynamic output of the last run.");

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        fetched?.Dispose();
        binding.Dispose();
        foreach (var slot in inputs.Values.Concat(outputs.Values))
        {
            slot.Release();
        }
    }

    private BoundTensor Bind(Dictionary<string, BoundSlot> slots, IReadOnlyDictionary<string, NodeMetadata> metadata, string kind,
        string name, ReadOnlySpan<long> shape, Action<OrtIoBinding, string, OrtValue> bindValue)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (slots.TryGetValue(name, out var slot) && slot.Current.HasShape(shape))
        {
            return slot.Current;
        }

        var meta = RequireName(metadata, kind, name);
        if (slot is null)
        {
            CheckShape(kind, name, meta, shape);
            if (kind == "output" && dynamicOutputNames.Contains(name))
            {
                throw new InvalidOperationException($"{session.Source}: output '{name}' is already bound as a dynamic output.");
            }

            slot = new BoundSlot(new BoundTensor(name, meta.ElementDataType, shape));
            slots[name] = slot;
        }
        else if (!slot.TrySelect(shape))
        {
            CheckShape(kind, name, meta, shape);
            slot.Add(new BoundTensor(name, meta.ElementDataType, shape), ShapeCacheCapacity);
        }

        bindValue(binding, name, slot.Current.Value);
        return slot.Current;
    }

    private NodeMetadata RequireName(IReadOnlyDictionary<string, NodeMetadata> metadata, string kind, string name) =>
        metadata.TryGetValue(name, out var meta) ? meta
            : throw new ArgumentException($"{session.Source}: no {kind} named '{name}' (the model has [{string.Join(", ", metadata.Keys)}]).", nameof(name));

    private void CheckShape(string kind, string name, NodeMetadata meta, ReadOnlySpan<long> shape)
    {
        int[] declared = meta.Dimensions;
        bool matches = declared.Length == shape.Length;
        for (int i = 0; matches && i < declared.Length; i++)
        {
            matches = shape[i] >= 0 && (declared[i] < 0 || declared[i] == shape[i]);
        }

        if (!matches)
        {
            throw new ArgumentException($"{session.Source}: {kind} '{name}' has declared shape [{string.Join(",", declared.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}], " +
                $"asked to bind [{string.Join(",", shape.ToArray())}].", nameof(shape));
        }
    }

    private void FetchDynamicOutputs()
    {
        fetched?.Dispose();
        dynamicOutputs.Clear();
        fetched = binding.GetOutputValues();
        string[] names = binding.GetOutputNames();
        for (int i = 0; i < names.Length; i++)
        {
            if (dynamicOutputNames.Contains(names[i]))
            {
                dynamicOutputs[names[i]] = fetched[i];
            }
        }
    }

    /// <summary>The tensors of one input or output, one per shape seen, most recently used last.</summary>
    private sealed class BoundSlot(BoundTensor first)
    {
        private readonly List<BoundTensor> cache = [first];

        public BoundTensor Current => cache[^1];

        public bool TrySelect(ReadOnlySpan<long> shape)
        {
            for (int i = 0; i < cache.Count; i++)
            {
                if (cache[i].HasShape(shape))
                {
                    var t = cache[i];
                    cache.RemoveAt(i);
                    cache.Add(t);
                    return true;
                }
            }

            return false;
        }

        public void Add(BoundTensor tensor, int capacity)
        {
            if (cache.Count >= capacity)
            {
                cache[0].Release();
                cache.RemoveAt(0);
            }

            cache.Add(tensor);
        }

        public void Release()
        {
            foreach (var t in cache)
            {
                t.Release();
            }
        }
    }
}
