using OnnxOll.Autodiff;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Builds CLIP's contrastive pretraining step: both towers with every weight trainable, the symmetric image-text
/// cross-entropy over the batch, and the gradient of every weight including <c>logit_scale</c>.</summary>
/// <remarks>Inputs: <c>pixel_values</c> [B,C,H,W], <c>input_ids</c> [B,L] (image i's caption in row i) and <c>pair_targets</c> [B,B],
/// the soft targets: row i spreads 1 over the captions whose label equals image i's (1/n each), so equal captions of a batch are
/// not pushed apart. With T symmetric and L = exp(logit_scale) · norm(img) · norm(txt)ᵀ,
/// loss = −½ (mean_i Σ_j T_ij log softmax_j(L)_ij + mean_j Σ_i T_ij log softmax_i(L)_ij).</remarks>
public static class ClipPretrainingGraph
{
    /// <summary>The soft-target input [B, B].</summary>
    public const string PairTargets = "pair_targets";

    /// <summary>Forward, loss and gradients of every parameter of <paramref name="weights"/> (outputs <c>loss</c>, <c>logits</c>, <c>&lt;name&gt;.grad</c>).</summary>
    public static ModelProto Build(TrainableWeights weights, ClipPrecision precision = ClipPrecision.Float32)
    {
        var g = new GraphBuilder("clip_pretraining");
        var c = new ClipGraphContext(g, weights, precision, pet: null, training: false) { Differentiated = true };
        var v = weights.Config.Vision;
        string pixels = g.Input(ClipGraphNames.PixelValues, c.Type, "batch", v.NumChannels, v.ImageSize, v.ImageSize);
        string ids = g.Input(ClipGraphNames.InputIds, TensorProto.Types.DataType.Int64, "batch", "length");
        string targets = g.Input(PairTargets, c.Type, "batch", "batch");
        string image = ClipBlocks.L2Normalize(c, ClipVisionGraph.Embed(c, pixels));
        string text = ClipBlocks.L2Normalize(c, ClipTextGraph.Embed(c, ids, "batch", "length"));

        string cosine = g.Op("MatMul", image, g.Op("Transpose", [text], Attr.Ints("perm", 1, 0)));
        string logits = g.Op("Mul", cosine, g.Op("Exp", c.Weight("logit_scale")));
        g.AddNode("Identity", [logits], [ClipGraphNames.Logits]);
        string imageToText = MeanTargetLogProbability(c, logits, targets, axis: 1);
        string textToImage = MeanTargetLogProbability(c, logits, targets, axis: 0);
        string loss = g.Op("Mul", g.Op("Add", imageToText, textToImage), c.Scalar(-0.5));
        g.AddNode("Identity", [loss], [ClipGraphNames.Loss]);

        return GradientGraph.Build(g.Model, ClipGraphNames.Loss, c.WeightInputs, [ClipGraphNames.Logits],
            new GradientOptions { GradientSuffix = ClipGraphNames.Gradient("") });
    }

    /// <summary>mean over the other axis of Σ_axis T ⊙ log softmax_axis(L): the mean target log-probability in one direction.</summary>
    private static string MeanTargetLogProbability(ClipGraphContext c, string logits, string targets, long axis)
    {
        var g = c.G;
        string logProbabilities = g.Op("LogSoftmax", [logits], Attr.Int("axis", axis));
        string perRow = g.Op("ReduceSum", [g.Op("Mul", targets, logProbabilities), c.Ints(axis)], Attr.Int("keepdims", 0));
        return g.Op("ReduceMean", [perRow, c.Ints(0)], Attr.Int("keepdims", 0));
    }
}
