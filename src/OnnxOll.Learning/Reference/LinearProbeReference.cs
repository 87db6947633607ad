using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Reference;

/// <summary>The linear-probe reference row: a <see cref="LinearProbe"/> fitted offline on the frozen image features of the whole
/// stream (the same carving as <c>learn</c>), scored on the same evaluation images over every streamed class; writes summary.json.</summary>
public static class LinearProbeReference
{
    private const int Chunk = 64;

    /// <summary>Fits and scores the probe; <paramref name="runDirectory"/> receives summary.json (A_last is the probe's accuracy).</summary>
    /// <exception cref="InvalidDataException">The data has nothing to evaluate on (no test split and no validation images).</exception>
    public static MetricsSummary Run(ClipModelRuntime model, DataSplits data, LearnerOptions options, LinearProbe probe, string runDirectory)
    {
        using var carved = LearnerData.Carve(data, options);
        var evaluation = carved.Evaluation ?? throw new InvalidDataException($"{data.Train.Name}: no test split and no --validation images to score the probe on.");
        var vocabulary = new ClassVocabulary();
        foreach (var name in carved.Stream.Labels.Distinct().Order(StringComparer.Ordinal))
        {
            vocabulary.GetOrAdd(name);
        }

        var frozen = PetParameters.Zero(model.Layout);
        var features = Embed(model, carved.Stream, frozen);
        var labels = carved.Stream.Labels.Select(vocabulary.GetOrAdd).ToArray();
        var weights = probe.Fit(features, labels, vocabulary.Count, options.Seed);
        using var evaluator = new Evaluator(model, evaluation, options.EvalPerClass);
        var (accuracy, _) = evaluator.Evaluate(Enumerable.Range(0, vocabulary.Count).ToArray(), vocabulary, weights, frozen);
        var summary = new MetricsSummary(labels.Length, 1, null, null, accuracy, null, null, null);
        Directory.CreateDirectory(runDirectory);
        new MetricsLog(runDirectory).WriteSummary(summary);
        return summary;
    }

    private static float[] Embed(ClipModelRuntime model, SubsetSource source, PetParameters frozen)
    {
        var preparer = new SamplePreparer(model.Preprocessing);
        using var embedder = new ImageEmbedder(model);
        int n = source.Labels.Count;
        var features = new float[n * embedder.Dimension];
        var pixels = new float[Chunk * embedder.SampleLength];
        for (int start = 0; start < n; start += Chunk)
        {
            int b = Math.Min(Chunk, n - start);
            for (int i = 0; i < b; i++)
            {
                preparer.Prepare(source.Read(start + i)).CopyTo(pixels, i * embedder.SampleLength);
            }

            embedder.Embed(pixels, b, frozen, features.AsSpan(start * embedder.Dimension, b * embedder.Dimension));
        }

        return features;
    }
}
