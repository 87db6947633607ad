using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Builds the text tower: <c>input_ids</c> [C, L] int64 → <c>text_embeds</c> [C, P] (projected; normalised only in evaluation graphs).</summary>
/// <remarks>Causal mask (0 on and below the diagonal, the type's lowest finite value above), no padding mask; pooling at the EOS position:
/// the first argmax of the ids for legacy configs (eos_token_id absent or 2), otherwise the first position equal to eos_token_id (0 if none).</remarks>
public static class ClipTextGraph
{
    /// <summary>A model with input <c>input_ids</c>, the options' PET tensors as inputs and output <c>text_embeds</c>.</summary>
    public static ModelProto Build(IClipWeightSource weights, ClipGraphOptions options)
    {
        var g = new GraphBuilder("clip_text");
        var c = new ClipGraphContext(g, weights, options.Precision, options.Pet, training: false);
        string ids = g.Input(ClipGraphNames.InputIds, TensorProto.Types.DataType.Int64, "classes", "length");
        string embeds = Embed(c, ids);
        if (options.Normalize)
        {
            embeds = ClipBlocks.L2Normalize(c, embeds);
        }

        g.AddNode("Identity", [embeds], [ClipGraphNames.TextEmbeds]);
        g.Output(ClipGraphNames.TextEmbeds, c.Type, "classes", weights.Config.ProjectionDim);
        return g.Model;
    }

    /// <summary>Emits the tower on <paramref name="ids"/> and returns the projected embeddings [C, P].</summary>
    internal static string Embed(ClipGraphContext c, string ids, string classesDim = "classes", string lengthDim = "length")
    {
        var g = c.G;
        var t = c.Config.Text;
        using var scope = g.Scope("text_model");
        string length = g.Op("Slice", g.Op("Shape", ids), c.Ints(1), c.Ints(2), c.Ints(0));
        string tokens = g.Op("Gather", [c.Weight("text_model.embeddings.token_embedding.weight"), ids], Attr.Int("axis", 0));
        string positions = g.Op("Slice", c.Weight("text_model.embeddings.position_embedding.weight"), c.Ints(0), length, c.Ints(0));
        string h = c.Declare(g.Op("Add", tokens, positions), c.Type, classesDim, lengthDim, t.HiddenSize);

        string mask = c.Declare(g.Op("Slice", CausalMask(c, t.MaxPositionEmbeddings), c.Ints(0, 0), g.Op("Concat", [length, length], Attr.Int("axis", 0)), c.Ints(0, 1)), c.Type, lengthDim, lengthDim);
        for (int i = 0; i < t.NumHiddenLayers; i++)
        {
            h = ClipBlocks.EncoderLayer(c, t, i, h, mask);
        }

        // Pool before the final LayerNorm (it acts per position): h[c, eos[c]] as a one-hot weighted sum, so only Mul and ReduceSum carry gradients.
        string key = t.UsesLegacyEosPooling
            ? c.Cast(ids, TensorProto.Types.DataType.Float)
            : c.Cast(g.Op("Equal", ids, c.Constant<long>("eos_token_id", [t.EosTokenId!.Value])), TensorProto.Types.DataType.Float);
        string eos = g.Op("ArgMax", [key], Attr.Int("axis", 1), Attr.Int("keepdims", 1));
        string oneHot = c.Declare(c.Cast(g.Op("Equal", eos, g.Op("Range", c.Int(0), g.Op("Squeeze", length, c.Ints(0)), c.Int(1))), c.Type), c.Type, classesDim, lengthDim);
        string pooled = g.Op("ReduceSum", [g.Op("Mul", h, g.Op("Unsqueeze", oneHot, c.Ints(2))), c.Ints(1)], Attr.Int("keepdims", 0));
        pooled = ClipBlocks.LayerNorm(c, pooled, "text_model.final_layer_norm", t.LayerNormEps);
        return g.Op("MatMul", pooled, c.Weight(FrozenWeights.Transposed("text_projection.weight")));
    }

    private static string CausalMask(ClipGraphContext c, int n)
    {
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                m[(i * n) + j] = c.IsDouble ? double.MinValue : float.MinValue;
            }
        }

        return c.IsDouble
            ? c.Constant<double>("causal_mask", m, n, n)
            : c.Constant<float>("causal_mask", m.Select(x => (float)x).ToArray(), n, n);
    }
}
