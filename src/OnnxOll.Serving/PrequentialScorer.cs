using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Serving;

/// <summary>Test-then-train accuracy: each arriving batch is classified among the learned classes before the learner trains on it.</summary>
/// <remarks>Runs on the learner's thread with its own bound run of the model's evaluation graphs.</remarks>
internal sealed class PrequentialScorer : IDisposable
{
    private readonly ClipModelRuntime model;
    private readonly TextFeatures text;
    private readonly ClipClassifier classifier;

    public PrequentialScorer(ClipModelRuntime model, IReadOnlyList<string> prompts)
    {
        this.model = model;
        text = new TextFeatures(model, new PromptTemplates(prompts));
        classifier = new ClipClassifier(model);
    }

    /// <summary>Fraction of the current batch's stream samples (not those a plugin added) whose label scores highest among all
    /// learned classes; null when the batch has none.</summary>
    public double? Score(LearnerContext context)
    {
        var plan = context.Plan!;
        var streamed = Enumerable.Range(0, plan.Samples.Count).Where(i => plan.Samples[i].FromStream).ToArray();
        int n = streamed.Length;
        if (n == 0)
        {
            return null;
        }

        if (model.TextHasPet)
        {
            text.Refresh(context.Pet);
        }

        text.Extend(context.State.Vocabulary, context.Pet);
        int length = classifier.SampleLength;
        var pixels = new float[n * length];
        for (int i = 0; i < n; i++)
        {
            plan.Samples[streamed[i]].Pixels.AsSpan(0, length).CopyTo(pixels.AsSpan(i * length, length));
        }

        int dim = classifier.Dimension;
        var embeds = new float[n * dim];
        classifier.Embed(pixels, n, context.Pet, embeds);
        var classes = ClipClassifier.ClassFeatures(text, Enumerable.Range(0, text.Count).ToArray(), context.State.Vocabulary.Names);
        var scores = new float[text.Count];
        int correct = 0;
        var labels = context.BatchLabels.Span;
        for (int i = 0; i < n; i++)
        {
            correct += ClipClassifier.Predict(embeds.AsSpan(i * dim, dim), classes.Rows, scores) == labels[streamed[i]] ? 1 : 0;
        }

        return (double)correct / n;
    }

    public void Dispose()
    {
        classifier.Dispose();
        text.Dispose();
    }
}
