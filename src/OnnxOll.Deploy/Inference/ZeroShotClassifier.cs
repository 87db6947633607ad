using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Deploy.Inference;

/// <summary>Classifies images among candidate labels with a CLIP model (a model folder or an export) and its PET tensors.</summary>
public static class ZeroShotClassifier
{
    /// <summary>The L2-normalised embedding of one image, preprocessed as the model says.</summary>
    public static float[] EmbedImage(IClipInference model, PetParameters pet, RgbImage image)
    {
        var preprocessor = new ClipImagePreprocessor(model.Preprocessing);
        var v = model.Config.Vision;
        using var run = model.Vision.Bind();
        preprocessor.Preprocess(image, run.Input(ClipGraphNames.PixelValues, 1, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>(), 0);
        var embeds = run.Output(ClipGraphNames.ImageEmbeds, 1, model.Config.ProjectionDim);
        new PetBinding(model.Vision, run, model.Layout, gradients: false).CopyIn(pet);
        run.Run();
        return embeds.AsSpan<float>().ToArray();
    }

    /// <summary>Text features of <paramref name="labels"/>: the stored rows when every label is stored, else computed with the text graph.</summary>
    public static ClassEmbeddings ClassFeatures(IClipInference model, PetParameters pet, IReadOnlyList<string> labels, IReadOnlyList<string> prompts, ClassEmbeddings? stored = null)
    {
        int dim = model.Config.ProjectionDim;
        var rows = new float[labels.Count * dim];
        if (stored is not null && labels.All(l => stored.TryGetRow(l, out _)))
        {
            for (int c = 0; c < labels.Count; c++)
            {
                stored.TryGetRow(labels[c], out var row);
                row.Span.CopyTo(rows.AsSpan(c * dim, dim));
            }

            return new ClassEmbeddings(labels, rows, dim);
        }

        var vocabulary = new ClassVocabulary();
        foreach (var label in labels)
        {
            vocabulary.GetOrAdd(label);
        }

        using var text = new TextFeatures(model, new PromptTemplates(prompts));
        text.Extend(vocabulary, pet);
        for (int c = 0; c < labels.Count; c++)
        {
            text.Row(c).CopyTo(rows.AsSpan(c * dim, dim));
        }

        return new ClassEmbeddings(labels, rows, dim);
    }

    /// <summary>Every class with softmax(exp(logit_scale) · cos) probability, most likely first.</summary>
    public static IReadOnlyList<LabelProbability> Probabilities(IClipInference model, ReadOnlySpan<float> image, ClassEmbeddings classes)
    {
        double scale = Math.Exp(model.LogitScale);
        var logits = new double[classes.Names.Count];
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = scale * TensorPrimitives.Dot(image, classes.Rows.AsSpan(c * classes.Dimension, classes.Dimension));
        }

        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = weights.Sum();
        return classes.Names.Select((name, c) => new LabelProbability(name, weights[c] / sum)).OrderByDescending(p => p.Probability).ToArray();
    }
}
