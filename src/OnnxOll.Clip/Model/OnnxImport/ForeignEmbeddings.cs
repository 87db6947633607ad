namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Reads a tower's embeddings out of a foreign graph, walking back from the sum that enters the first block:
/// vision = concat(class embedding, patch convolution) + positions; text = token gather + positions.</summary>
internal static class ForeignEmbeddings
{
    /// <summary>Adds the patch, class and position embeddings; <paramref name="sum"/> is what pre_layrnorm normalises.</summary>
    public static void ReadVision(ForeignGraph graph, string label, string sum, int width, IDictionary<string, ForeignTensor> into)
    {
        const string prefix = "vision_model.embeddings";
        var conv = graph.Order.FirstOrDefault(n => n.OpType == "Conv" && n.Input[0] == "pixel_values" && graph.Constant(n.Input[1]) is { Dims.Count: 4 })
            ?? throw new InvalidDataException($"{label}: could not find {prefix}.patch_embedding (no Conv of 'pixel_values' by a constant kernel).");
        var kernel = graph.Constant(conv.Input[1])!;
        into[$"{prefix}.patch_embedding.weight"] = new ForeignTensor($"'{kernel.Name}' of node '{conv.Name}' (Conv)", graph.Floats(conv.Input[1])!, [.. kernel.Dims], "float32");
        var patches = graph.Reachable(conv.Output[0]);
        var (concatSide, positions) = Operands(graph, sum, patches.Contains);
        var position = Positions(graph, label, prefix, positions, width);
        into[$"{prefix}.position_embedding.weight"] = position;
        var concat = concatSide is null ? null : graph.Producer(concatSide);
        var cls = concat is { OpType: "Concat" }
            ? concat.Input.Where(i => !patches.Contains(i)).Select(graph.BackToConstant).FirstOrDefault(c => c is { } found && found.Data.Length == width)
            : null;
        into[$"{prefix}.class_embedding"] = cls is { } c
            ? new ForeignTensor($"'{c.Name}'", c.Data, [width], "float32")
            : throw new InvalidDataException($"{label}: could not find {prefix}.class_embedding (no constant of {width} values concatenated before the patches).");
    }

    /// <summary>Adds the token and position embeddings; <paramref name="sum"/> is what the first block reads.</summary>
    public static void ReadText(ForeignGraph graph, string label, string sum, int width, IDictionary<string, ForeignTensor> into)
    {
        const string prefix = "text_model.embeddings";
        var ids = graph.Reachable("input_ids");
        var (tokenSide, positions) = Operands(graph, sum, v => graph.Producer(v) is { OpType: "Gather" } g && ids.Contains(g.Input[1]));
        var token = tokenSide is null ? null : graph.BackToConstant(tokenSide);
        into[$"{prefix}.token_embedding.weight"] = token is { } t && t.Data.Length % width == 0
            ? new ForeignTensor($"'{t.Name}'", t.Data, [t.Data.Length / width, width], "float32")
            : throw new InvalidDataException($"{label}: could not find {prefix}.token_embedding (no Gather of 'input_ids' from a constant table).");
        into[$"{prefix}.position_embedding.weight"] = Positions(graph, label, prefix, positions, width);
    }

    // The operands of the Add producing sum: the one matching isFirst, and the other.
    private static (string? First, string? Other) Operands(ForeignGraph graph, string sum, Func<string, bool> isFirst)
    {
        if (graph.Producer(sum) is not { OpType: "Add", Input.Count: 2 } add)
        {
            return (null, null);
        }

        return isFirst(add.Input[0]) ? (add.Input[0], add.Input[1]) : isFirst(add.Input[1]) ? (add.Input[1], add.Input[0]) : (null, null);
    }

    private static ForeignTensor Positions(ForeignGraph graph, string label, string prefix, string? value, int width)
    {
        var found = value is null ? null : graph.BackToConstant(value);
        return found is { } p && p.Data.Length % width == 0
            ? new ForeignTensor($"'{p.Name}'", p.Data, [p.Data.Length / width, width], "float32")
            : throw new InvalidDataException($"{label}: could not find {prefix}.position_embedding (no constant table added to the embeddings).");
    }
}
