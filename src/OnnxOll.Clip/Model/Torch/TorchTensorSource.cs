namespace OnnxOll.Clip.Model.Torch;

/// <summary>A PyTorch checkpoint as Hugging Face-named tensors: as stored (Hugging Face names) or through <see cref="OpenAiClipNames"/>.</summary>
internal sealed class TorchTensorSource : IClipTensorSource
{
    private readonly TorchCheckpoint checkpoint;
    private readonly bool openAi;
    private readonly Dictionary<string, OpenAiClipNames.Source> mapped = new(StringComparer.Ordinal);
    private readonly List<string> names = [];
    private readonly HashSet<string> nameSet = new(StringComparer.Ordinal);

    /// <param name="checkpoint">The archive (owned).</param>
    /// <param name="openAiNames">The archive uses OpenAI / open_clip names.</param>
    /// <param name="hfNames">The Hugging Face parameters to read through the name map.</param>
    public TorchTensorSource(TorchCheckpoint checkpoint, bool openAiNames, IEnumerable<string> hfNames)
    {
        this.checkpoint = checkpoint;
        openAi = openAiNames;
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (openAiNames)
        {
            foreach (string hf in hfNames)
            {
                var source = OpenAiClipNames.For(hf);
                if (checkpoint.Contains(source.Name))
                {
                    mapped[hf] = source;
                    names.Add(hf);
                    used.Add(source.Name);
                }
            }
        }

        names.AddRange(checkpoint.Tensors.Select(t => t.Name).Where(n => !used.Contains(n) && !(openAiNames && OpenAiClipNames.IsIgnored(n))));
        nameSet.UnionWith(names);
    }

    public string Path => checkpoint.Path;

    public IEnumerable<string> Names => names;

    public bool Contains(string name) => nameSet.Contains(name);

    public (long[] Shape, string DType, bool IsFloat) Info(string name)
    {
        var (t, source) = Get(name);
        long[] shape = source switch
        {
            { Transposed: true } when t.Shape.Length == 2 => [t.Shape[1], t.Shape[0]],
            { Part: >= 0 } when t.Shape.Length >= 1 && t.Shape[0] % 3 == 0 => [t.Shape[0] / 3, .. t.Shape[1..]],
            _ => t.Shape,
        };
        return (shape, t.DType.ToString(), TorchDTypes.IsFloat(t.DType));
    }

    public string Describe(string name) => (mapped.GetValueOrDefault(name) ?? (openAi ? OpenAiClipNames.For(name) : null)) is { } s
        ? $"'{s.Name}'{(s.Part >= 0 ? $" rows {"qkv"[s.Part]}" : "")} (read as '{name}')"
        : $"'{name}'";

    public float[] ReadFloat32(string name)
    {
        var (t, source) = Get(name);
        float[] data = checkpoint.ReadFloat32(t.Name);
        if (source is { Part: >= 0 })
        {
            int rows = data.Length / 3;
            return data.AsSpan(source.Part * rows, rows).ToArray();
        }

        if (source is { Transposed: true })
        {
            long r = t.Shape[0], c = t.Shape[1];
            var transposed = new float[data.Length];
            for (long i = 0; i < r; i++)
            {
                for (long j = 0; j < c; j++)
                {
                    transposed[(j * r) + i] = data[(i * c) + j];
                }
            }

            return transposed;
        }

        return data;
    }

    public void Dispose() => checkpoint.Dispose();

    private (TorchTensorInfo Tensor, OpenAiClipNames.Source? Source) Get(string name) =>
        mapped.TryGetValue(name, out var s) ? (checkpoint.Get(s.Name), s) : (checkpoint.Get(name), null);
}
