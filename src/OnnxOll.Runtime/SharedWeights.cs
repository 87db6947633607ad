using System.IO.MemoryMappedFiles;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Runtime;

/// <summary>Frozen weights held once and used by several sessions (e.g. the training and the evaluation graph over one CLIP).</summary>
/// <remarks>
/// Every external-data initializer of the model becomes one <see cref="OrtValue"/> over a copy-on-write memory map of its
/// side file, handed to each session with <see cref="SessionOptions.AddInitializer"/>: ONNX Runtime uses that buffer
/// instead of loading its own copy. By default pre-packing is switched off for these sessions, because a packed copy per
/// weight would double the memory again (and ONNX Runtime cannot free user-provided weights after packing); with
/// <see cref="PrePack"/> the sessions pack, and the <see cref="PrePackedWeightsContainer"/> holds one packed copy per weight
/// for all of them.
/// Owns the maps, the values and the container: dispose it only after every session created with it.
/// </remarks>
public sealed unsafe partial class SharedWeights : IDisposable
{
    /// <summary>madvise advice: the pages may be dropped; a private, unmodified file mapping reads them back from the file on access.</summary>
    private const int MadviseDontNeed = 4;

    private readonly List<MemoryMappedFile> files = [];
    private readonly List<MemoryMappedViewAccessor> views = [];
    private readonly List<(IntPtr Base, long Length)> mappings = [];
    private readonly Dictionary<string, OrtValue> values = new(StringComparer.Ordinal);
    private bool disposed;

    private SharedWeights(string externalDataDirectory)
    {
        ExternalDataDirectory = externalDataDirectory;
        PrePackedWeights = new PrePackedWeightsContainer();
    }

    /// <summary>Folder of the side files; in-memory models created with these weights resolve external data against it.</summary>
    public string ExternalDataDirectory { get; }

    /// <summary>Container of pre-packed weights shared by the sessions (owned by this object).</summary>
    public PrePackedWeightsContainer PrePackedWeights { get; }

    /// <summary>Names of the shared initializers.</summary>
    public IReadOnlyCollection<string> InitializerNames => values.Keys;

    /// <summary>Total bytes of the shared initializers (held once, whatever the number of sessions).</summary>
    public long ByteSize { get; private set; }

    /// <summary>True when sessions pre-pack the shared weights (one packed copy per weight and kernel, shared through
    /// <see cref="PrePackedWeights"/>); false: no pre-packing, the mapped weights are the only copy.</summary>
    public bool PrePack { get; private init; }

    /// <summary>Maps every external-data initializer of the model at <paramref name="modelPath"/> for sharing.</summary>
    /// <exception cref="InvalidDataException">A side file is missing or shorter than a tensor's byte range.</exception>
    public static SharedWeights FromExternalData(string modelPath)
    {
        string fullPath = Path.GetFullPath(modelPath);
        var model = ModelIO.Load(fullPath);
        return FromTensors(Path.GetDirectoryName(fullPath)!, model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External), fullPath);
    }

    /// <summary>Maps external-data tensors (locations relative to <paramref name="directory"/>) for sharing by every session whose
    /// graph has initializers of those names, e.g. all frozen weights of a model for its training and evaluation graphs.</summary>
    /// <param name="directory">Folder of the side files.</param>
    /// <param name="tensors">External-data tensor descriptions (no data); a name listed twice is mapped once.</param>
    /// <param name="source">Named in errors (a model file or a weights index).</param>
    /// <param name="prePack">Let sessions pre-pack the weights, sharing the packed copies through <see cref="PrePackedWeights"/>.</param>
    /// <exception cref="InvalidDataException">A side file is missing or shorter than a tensor's byte range.</exception>
    public static SharedWeights FromTensors(string directory, IEnumerable<TensorProto> tensors, string source, bool prePack = false)
    {
        var shared = new SharedWeights(Path.GetFullPath(directory)) { PrePack = prePack };
        try
        {
            var maps = new Dictionary<string, (IntPtr Base, long Length)>(StringComparer.Ordinal);
            foreach (var t in tensors.Where(t => !shared.values.ContainsKey(t.Name)))
            {
                var (location, offset, length) = ExternalData.Describe(t);
                if (!maps.TryGetValue(location, out var map))
                {
                    map = shared.Map(Path.Combine(shared.ExternalDataDirectory, location));
                    maps[location] = map;
                }

                shared.AddView(source, t, (byte*)map.Base, map.Length, offset, length);
            }

            return shared;
        }
        catch
        {
            shared.Dispose();
            throw;
        }
    }

    /// <summary>Configures <paramref name="options"/> to use the shared initializers and no per-session pre-packing.</summary>
    public void Apply(SessionOptions options)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!PrePack)
        {
            options.AddSessionConfigEntry("session.disable_prepacking", "1");
        }

        foreach (var (name, value) in values)
        {
            options.AddInitializer(name, value);
        }
    }

    /// <summary>Lets the kernel drop the mapped weights' resident pages (Linux; elsewhere nothing happens). Call it after the
    /// sessions are created: weights they pre-packed are not read again, and the few tensors read as they are (biases,
    /// LayerNorm gains, embeddings) come back from the file page by page.</summary>
    /// <returns>The bytes of mapping advised.</returns>
    public long DropResidentPages()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long advised = 0;
        foreach (var (basePtr, length) in mappings)
        {
            if (length > 0 && Madvise(basePtr, (nuint)length, MadviseDontNeed) == 0)
            {
                advised += length;
            }
        }

        return advised;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var v in values.Values)
        {
            v.Dispose();
        }

        foreach (var v in views)
        {
            v.SafeMemoryMappedViewHandle.ReleasePointer();
            v.Dispose();
        }

        foreach (var f in files)
        {
            f.Dispose();
        }

        PrePackedWeights.Dispose();
    }

    private (IntPtr Base, long Length) Map(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"{file}: external data file does not exist.");
        }

        var mapped = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
        files.Add(mapped);
        var view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.CopyOnWrite);
        byte* basePtr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        views.Add(view);
        long length = new FileInfo(file).Length;
        mappings.Add(((IntPtr)basePtr, length + view.PointerOffset));
        return ((IntPtr)(basePtr + view.PointerOffset), length);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(IntPtr address, nuint length, int advice);

    private void AddView(string modelPath, TensorProto tensor, byte* basePtr, long fileLength, long offset, long length)
    {
        var type = (TensorProto.Types.DataType)tensor.DataType;
        long expected = OnnxOll.Onnx.Graph.Tensors.ElementCount(tensor) * OnnxOll.Onnx.Graph.ElementTypes.SizeOf(type);
        if (length < 0)
        {
            length = expected;
        }

        if (length != expected || offset < 0 || offset + length > fileLength)
        {
            throw new InvalidDataException($"{modelPath}: initializer '{tensor.Name}' needs {expected} bytes at offset {offset} " +
                $"(external length {length}), but the side file has {fileLength} bytes.");
        }

        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, (TensorElementType)type,
            tensor.Dims.ToArray(), (IntPtr)(basePtr + offset), length);
        values.Add(tensor.Name, value);
        ByteSize += length;
    }
}
