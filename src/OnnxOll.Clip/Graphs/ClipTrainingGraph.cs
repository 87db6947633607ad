using OnnxOll.Autodiff;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Builds the SIT training step graph: towers with PET, logits over the visible classes, mean cross-entropy and PET gradients.</summary>
/// <remarks>Inputs: <c>pixel_values</c> [B,C,H,W], <c>targets</c> [B] int64 (positions in the visible set S), the PET tensors, and either
/// <c>text_features</c> [S,P] (L2-normalised; when the text tower has no PET) or <c>input_ids</c> [S,L] (the text tower runs for the S classes).
/// logits = exp(logit_scale) · norm(img) · norm(txt)ᵀ with the pretrained, frozen logit_scale. Outputs: <c>loss</c>, <c>logits</c>, <c>&lt;pet&gt;.grad</c>.</remarks>
public static class ClipTrainingGraph
{
    /// <summary>True when the graph takes <c>input_ids</c> (some PET tensor is in the text tower), false when it takes <c>text_features</c>.</summary>
    public static bool TakesInputIds(PetLayout pet) => pet.Touches(ClipTower.Text);

    /// <summary>Forward + loss + gradients of every PET tensor of <paramref name="pet"/>.</summary>
    /// <exception cref="ArgumentException">The layout has no PET tensors.</exception>
    public static ModelProto Build(FrozenWeights weights, PetLayout pet, ClipTrainingOptions? options = null)
    {
        options ??= new ClipTrainingOptions();
        if (pet.Tensors.Count == 0)
        {
            throw new ArgumentException($"PET spec '{pet.Spec}' has no tensors to train.", nameof(pet));
        }

        var g = new GraphBuilder("clip_sit_training");
        var c = new ClipGraphContext(g, weights, options.Precision, pet, training: options.Dropout) { Differentiated = true };
        var config = weights.Config;
        var v = config.Vision;
        string pixels = g.Input(ClipGraphNames.PixelValues, c.Type, "batch", v.NumChannels, v.ImageSize, v.ImageSize);
        string targets = g.Input(ClipGraphNames.Targets, TensorProto.Types.DataType.Int64, "batch");
        string text = TakesInputIds(pet)
            ? ClipBlocks.L2Normalize(c, ClipTextGraph.Embed(c, g.Input(ClipGraphNames.InputIds, TensorProto.Types.DataType.Int64, "visible", "length"), "visible"))
            : g.Input(ClipGraphNames.TextFeatures, c.Type, "visible", config.ProjectionDim);
        string image = ClipBlocks.L2Normalize(c, ClipVisionGraph.Embed(c, pixels));

        string cosine = g.Op("MatMul", image, g.Op("Transpose", [text], Attr.Ints("perm", 1, 0)));
        string logits = g.Op("Mul", cosine, g.Op("Exp", c.Weight("logit_scale")));
        g.AddNode("Identity", [logits], [ClipGraphNames.Logits]);
        string head = options.DoubleSoftmax ? g.Op("Softmax", [logits], Attr.Int("axis", -1)) : logits;
        g.AddNode("Identity", [Losses.SoftmaxCrossEntropy(g, head, targets)], [ClipGraphNames.Loss]);

        return GradientGraph.Build(g.Model, ClipGraphNames.Loss, c.PetInputs, [ClipGraphNames.Logits],
            new GradientOptions { GradientSuffix = ClipGraphNames.Gradient("") });
    }
}
