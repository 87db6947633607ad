namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Reads one CLIP tower's parameters (Hugging Face names and layouts) out of a foreign graph: the blocks
/// (<see cref="ForeignBlockFinder"/>), the embeddings, the outer LayerNorms and the projection.</summary>
internal static class ForeignTowerReader
{
    /// <summary>The graph input each tower starts from.</summary>
    public static string InputOf(ClipTower tower) => tower == ClipTower.Vision ? "pixel_values" : "input_ids";

    /// <summary>Adds the tower's parameters to <paramref name="into"/>.</summary>
    /// <exception cref="InvalidDataException">A part of the tower could not be found; the message names the graph, block and part.</exception>
    public static void Read(ForeignGraph graph, ClipTower tower, ClipConfig config, IDictionary<string, ForeignTensor> into)
    {
        bool vision = tower == ClipTower.Vision;
        string prefix = vision ? "vision_model" : "text_model";
        string input = InputOf(tower);
        string label = $"{graph.Path}: {prefix} (from '{input}')";
        var reach = graph.Reachable(input);
        var linears = graph.Order.Where(n => n.Input.Count > 0 && reach.Contains(n.Input[0]))
            .Select(n => ForeignLinear.TryRead(graph, n)).OfType<ForeignLinear>().ToList();
        var norms = graph.Order.Where(n => n.Output.Count > 0 && reach.Contains(n.Output[0]))
            .Select(n => ForeignLayerNorm.TryRead(graph, n)).OfType<ForeignLayerNorm>().ToDictionary(n => n.End, StringComparer.Ordinal);
        var encoder = vision ? (ClipEncoderConfig)config.Vision : config.Text;
        var (blocks, rest) = new ForeignBlockFinder(graph, prefix, label, linears, norms).Find(encoder.NumHiddenLayers);
        string projectionName = vision ? "visual_projection" : "text_projection";
        if (rest.Count == 0)
        {
            throw new InvalidDataException($"{label}: could not find {projectionName} (no product by a constant weight after block {blocks.Count - 1}).");
        }

        if (rest.Count > 1)
        {
            throw new InvalidDataException($"{label}: {rest.Count} products by constant weights follow block {blocks.Count - 1}, but config.json num_hidden_layers is {encoder.NumHiddenLayers} (expected only {projectionName}).");
        }

        for (int i = 0; i < blocks.Count; i++)
        {
            string layer = $"{prefix}.encoder.layers.{i}";
            foreach (var (module, linear) in blocks[i].Linears)
            {
                AddLinear(into, $"{layer}.{module}", linear);
            }

            AddNorm(into, $"{layer}.layer_norm1", blocks[i].LayerNorm1);
            AddNorm(into, $"{layer}.layer_norm2", blocks[i].LayerNorm2);
        }

        var projection = rest[0];
        into[$"{projectionName}.weight"] = new ForeignTensor(Describe(projection), projection.WeightOutIn(), [projection.Out, projection.In], DType(projection));
        var final = FinalNorm(graph, norms, projection.Input)
            ?? throw new InvalidDataException($"{label}: could not find {(vision ? "post_layernorm" : "final_layer_norm")} (no LayerNorm before {projectionName}).");
        AddNorm(into, vision ? $"{prefix}.post_layernorm" : $"{prefix}.final_layer_norm", final);
        string embedded = blocks.Count > 0 ? blocks[0].LayerNorm1.Input : final.Input;
        if (vision)
        {
            var pre = norms.GetValueOrDefault(embedded) ?? throw new InvalidDataException($"{label}: could not find pre_layrnorm ('{embedded}' is not the result of a LayerNorm).");
            AddNorm(into, $"{prefix}.pre_layrnorm", pre);
            ForeignEmbeddings.ReadVision(graph, label, pre.Input, config.Vision.HiddenSize, into);
        }
        else
        {
            ForeignEmbeddings.ReadText(graph, label, embedded, config.Text.HiddenSize, into);
        }
    }

    // The LayerNorm whose result reaches the projection through layout ops (pooling gathers, reshapes).
    private static ForeignLayerNorm? FinalNorm(ForeignGraph graph, Dictionary<string, ForeignLayerNorm> norms, string value)
    {
        for (int depth = 0; depth < 16; depth++)
        {
            if (norms.TryGetValue(value, out var norm))
            {
                return norm;
            }

            if (graph.Producer(value) is not { OpType: "Gather" or "GatherND" or "GatherElements" or "Reshape" or "Squeeze" or "Unsqueeze" or "Slice" or "Flatten" } p)
            {
                return null;
            }

            value = p.Input[0];
        }

        return null;
    }

    private static void AddLinear(IDictionary<string, ForeignTensor> into, string module, ForeignLinear linear)
    {
        into[$"{module}.weight"] = new ForeignTensor(Describe(linear), linear.WeightOutIn(), [linear.Out, linear.In], DType(linear), linear.Int8);
        if (linear.Bias is { } bias)
        {
            into[$"{module}.bias"] = new ForeignTensor($"'{linear.BiasName}' (added to node '{linear.Product.Name}')", bias, [bias.Length], "float32");
        }
    }

    private static void AddNorm(IDictionary<string, ForeignTensor> into, string module, ForeignLayerNorm norm)
    {
        into[$"{module}.weight"] = new ForeignTensor($"'{norm.WeightName}'", norm.Weight, [norm.Weight.Length], "float32");
        into[$"{module}.bias"] = new ForeignTensor($"'{norm.BiasName}'", norm.Bias, [norm.Bias.Length], "float32");
    }

    private static string Describe(ForeignLinear linear) => $"'{linear.WeightName}' of node '{linear.Product.Name}' ({linear.Product.OpType})";

    private static string DType(ForeignLinear linear) => linear.Quantized ? "int8, dequantized" : "float32";

    /// <summary>The logit scale (before exp): the scalar constant an Exp node reads, or null when no graph holds one.</summary>
    public static float? LogitScale(ForeignGraph graph) =>
        graph.Order.Where(n => n.OpType == "Exp").Select(n => graph.Floats(n.Input[0])).FirstOrDefault(f => f is { Length: 1 }) is { } s ? s[0] : null;
}
