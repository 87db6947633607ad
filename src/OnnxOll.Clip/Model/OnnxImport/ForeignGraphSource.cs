using OnnxOll.Clip.Model.Torch;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Exported CLIP ONNX graphs (optimum's and transformers.js's layouts) as Hugging Face-named tensors: every weight is
/// read out of the graphs into OnnxOll's own towers; the foreign graphs are read, never executed.</summary>
internal sealed class ForeignGraphSource : IClipTensorSource, IClipInt8Source
{
    private readonly Dictionary<string, ForeignTensor> tensors = new(StringComparer.Ordinal);

    /// <param name="graphs">The .onnx files (one combined graph, or the vision and text graphs).</param>
    /// <param name="config">The folder's config (layer counts and widths).</param>
    /// <exception cref="InvalidDataException">A tower, block or projection could not be found.</exception>
    public ForeignGraphSource(IReadOnlyList<string> graphs, ClipConfig config)
    {
        Path = graphs[0];
        float? logitScale = null;
        var remaining = new List<ClipTower> { ClipTower.Vision, ClipTower.Text };
        foreach (string path in graphs)
        {
            var graph = ForeignGraph.Load(path);
            foreach (var tower in remaining.Where(t => graph.HasInput(ForeignTowerReader.InputOf(t))).ToList())
            {
                ForeignTowerReader.Read(graph, tower, config, tensors);
                remaining.Remove(tower);
            }

            logitScale ??= ForeignTowerReader.LogitScale(graph);
        }

        if (remaining.Count > 0)
        {
            string input = ForeignTowerReader.InputOf(remaining[0]);
            throw new InvalidDataException($"{string.Join(", ", graphs)}: no graph has the input '{input}' (the {remaining[0].ToString().ToLowerInvariant()} tower).");
        }

        tensors["logit_scale"] = logitScale is { } s
            ? new ForeignTensor("the constant the graph's Exp reads", [s], [], "float32")
            : new ForeignTensor("config.json logit_scale_init_value (the graphs hold no logit scale)", [(float)config.LogitScaleInitValue], [], "float32");
    }

    public string Path { get; }

    public IEnumerable<string> Names => tensors.Keys;

    public bool Contains(string name) => tensors.ContainsKey(name);

    public (long[] Shape, string DType, bool IsFloat) Info(string name)
    {
        var t = tensors[name];
        return (t.Shape, t.DType, true);
    }

    public string Describe(string name) => tensors.TryGetValue(name, out var t) ? $"{t.Source} (read as '{name}')" : $"'{name}'";

    public float[] ReadFloat32(string name)
    {
        float[] data = tensors[name].Data;
        if (data.Any(v => !float.IsFinite(v)))
        {
            throw new InvalidDataException($"{Path}: {Describe(name)} holds NaN or an infinity.");
        }

        return (float[])data.Clone();
    }

    public ClipInt8Weight? ReadInt8(string name) => tensors.TryGetValue(name, out var t) ? t.Int8 : null;

    public void Dispose()
    {
    }
}
