using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Builds the vision tower: <c>pixel_values</c> [B, C, H, W] → <c>image_embeds</c> [B, P] (projected; normalised only in evaluation graphs).</summary>
/// <remarks>The patch convolution (stride = kernel = patch, no bias) is a reshape + transpose + MatMul, exact because patches do not overlap.</remarks>
public static class ClipVisionGraph
{
    /// <summary>A model with input <c>pixel_values</c>, the options' PET tensors as inputs and output <c>image_embeds</c>.</summary>
    public static ModelProto Build(IClipWeightSource weights, ClipGraphOptions options)
    {
        var g = new GraphBuilder("clip_vision");
        var c = new ClipGraphContext(g, weights, options.Precision, options.Pet, training: false);
        var v = weights.Config.Vision;
        string pixels = g.Input(ClipGraphNames.PixelValues, c.Type, "batch", v.NumChannels, v.ImageSize, v.ImageSize);
        string embeds = Embed(c, pixels);
        if (options.Normalize)
        {
            embeds = ClipBlocks.L2Normalize(c, embeds);
        }

        g.AddNode("Identity", [embeds], [ClipGraphNames.ImageEmbeds]);
        g.Output(ClipGraphNames.ImageEmbeds, c.Type, "batch", weights.Config.ProjectionDim);
        return g.Model;
    }

    /// <summary>Emits the tower on <paramref name="pixels"/> and returns the projected embeddings [B, P].</summary>
    internal static string Embed(ClipGraphContext c, string pixels)
    {
        var g = c.G;
        var v = c.Config.Vision;
        int grid = v.GridSize, patch = v.PatchSize, ch = v.NumChannels, d = v.HiddenSize, patchLength = ch * patch * patch;
        using var scope = g.Scope("vision_model");

        // [B, C, g·P, g·P] → [B, C, gy, P, gx, P] → [B, gy, gx, C, P, P] → [B, g², C·P·P]: token order (y, x) row-major, as conv + flatten(2).
        string blocks = g.Op("Reshape", pixels, c.Ints(0, ch, grid, patch, grid, patch));
        string ordered = g.Op("Transpose", [blocks], Attr.Ints("perm", 0, 2, 4, 1, 3, 5));
        string flat = g.Op("Reshape", ordered, c.Ints(0, grid * grid, patchLength));
        string patches = ClipBlocks.Project(c, flat, "vision_model.embeddings.patch_embedding.weight_t");

        // The class token per image as 0 · (first patch) + class_embedding: [B, 1, D] without reading the batch size at run time.
        string zeroRow = g.Op("Mul", g.Op("Slice", patches, c.Ints(0), c.Ints(1), c.Ints(1)), c.Scalar(0));
        string cls = g.Op("Add", zeroRow, g.Op("Reshape", c.Weight("vision_model.embeddings.class_embedding"), c.Ints(1, 1, d)));
        string tokens = c.Declare(g.Op("Concat", [cls, patches], Attr.Int("axis", 1)), c.Type, "batch", v.TokenCount, d);
        string h = g.Op("Add", tokens, c.Weight("vision_model.embeddings.position_embedding.weight"));
        h = ClipBlocks.LayerNorm(c, h, "vision_model.pre_layrnorm", v.LayerNormEps);
        for (int i = 0; i < v.NumHiddenLayers; i++)
        {
            h = ClipBlocks.EncoderLayer(c, v, i, h, mask: null);
        }

        string first = g.Op("Slice", c.Declare(h, c.Type, "batch", v.TokenCount, d), c.Ints(0), c.Ints(1), c.Ints(1));
        string pooled = g.Op("Reshape", first, c.Ints(0, d));
        pooled = ClipBlocks.LayerNorm(c, pooled, "vision_model.post_layernorm", v.LayerNormEps);
        return g.Op("MatMul", pooled, c.Weight(FrozenWeights.Transposed("visual_projection.weight")));
    }
}
