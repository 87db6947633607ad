using OnnxOll.Autodiff;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Builds the SIT training step graph: towers with PET, logits over the visible classes, mean cross-entropy and PET gradients.</summary>
/// <remarks>Inputs: <c>pixel_values</c> [B,C,H,W], <c>targets</c> [B] int64 (positions in the visible set S), the PET tensors, and either
/// <c>text_features</c> [S,P] (L2-normalised; when the text tower has no PET) or <c>input_ids</c> [S,L] (the text tower runs for the S classes).
/// logits = exp(logit_scale) · norm(img) · norm(txt)ᵀ with the pretrained, frozen logit_scale. Outputs: <c>loss</c>, <c>logits</c>, <c>&lt;pet&gt;.grad</c>.
/// <see cref="ClipTrainingOptions"/> may add an all-seen term, learned text offsets (with <c>text_offset.grad</c>) and
/// <see cref="TrainingLossTerm"/>s (e.g. <see cref="ZeroShotDistillationTerm"/>), each with inputs of its own.</remarks>
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
        if (options.TextOffset)
        {
            text = ClipBlocks.L2Normalize(c, g.Op("Add", text, g.Input(ClipGraphNames.TextOffset, c.Type, "visible", config.ProjectionDim)));
        }

        string image = ClipBlocks.L2Normalize(c, ClipVisionGraph.Embed(c, pixels));
        string scale = g.Op("Exp", c.Weight("logit_scale"));
        string logits = g.Op("Mul", g.Op("MatMul", image, g.Op("Transpose", [text], Attr.Ints("perm", 1, 0))), scale);
        g.AddNode("Identity", [logits], [ClipGraphNames.Logits]);
        string loss = Loss(c, options, logits, targets);
        var terms = new TrainingTermGraph(c, image, text, logits, targets, scale);
        foreach (var term in options.LossTerms)
        {
            loss = g.Op("Add", loss, term.Build(terms));
        }

        g.AddNode("Identity", [loss], [ClipGraphNames.Loss]);

        string[] differentiated = options.TextOffset ? [.. c.PetInputs, ClipGraphNames.TextOffset] : [.. c.PetInputs];
        return GradientGraph.Build(g.Model, ClipGraphNames.Loss, differentiated, [ClipGraphNames.Logits],
            new GradientOptions { GradientSuffix = ClipGraphNames.Gradient("") });
    }

    /// <summary>The scalar loss: SIT cross-entropy, mixed with the all-seen term when the options ask.</summary>
    private static string Loss(ClipGraphContext c, ClipTrainingOptions options, string logits, string targets)
    {
        var g = c.G;
        string Head(string x) => options.DoubleSoftmax ? g.Op("Softmax", [x], Attr.Int("axis", -1)) : x;
        string loss = Losses.SoftmaxCrossEntropy(g, Head(logits), targets);
        if (options.SeenWeight > 0)
        {
            string mask = g.Input(ClipGraphNames.BatchClassMask, c.Type, "visible");
            string sit = Losses.SoftmaxCrossEntropy(g, Head(g.Op("Add", logits, mask)), targets);
            loss = g.Op("Add", g.Op("Mul", sit, c.Scalar(1 - options.SeenWeight)), g.Op("Mul", loss, c.Scalar(options.SeenWeight)));
        }

        return loss;
    }
}
