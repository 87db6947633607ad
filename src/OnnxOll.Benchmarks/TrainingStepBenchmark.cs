using System.Globalization;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Optim;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>The online step (forward + backward + AdamW) on one batch, as the libtorch peer's <c>bench</c> measures it.</summary>
public static class TrainingStepBenchmark
{
    /// <summary>Times <paramref name="steps"/> SIT steps of batch <paramref name="batch"/> over <paramref name="classes"/> classes.</summary>
    public static BenchResult Run(string name, string modelDir, string petSpec, SessionSettings settings, int batch = 10, int classes = 10, int steps = 10)
    {
        using var model = ClipModelRuntime.Open(modelDir, PetSpec.Parse(petSpec), settings);
        var pet = PetParameters.Create(model.Layout, seed: 0);
        var gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        var optimizer = new AdamW(model.Layout.Tensors.Select(t => new NamedParameter(t.Name, pet[t.Name], gradients[t.Name])).ToArray(),
            new AdamWOptions { LearningRate = 1e-4f, WeightDecay = 0.01f });
        var vocabulary = new ClassVocabulary();
        for (int c = 0; c < classes; c++)
        {
            vocabulary.GetOrAdd($"class {c}");
        }

        using var text = new TextFeatures(model, PromptTemplates.Default);
        text.Extend(vocabulary, pet);
        var rng = new Random(0);
        var v = model.Config.Vision;
        var pixels = new float[batch * v.NumChannels * v.ImageSize * v.ImageSize];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        // Labels from about half the classes, each present, as the peer draws them.
        int used = Math.Max(1, (classes / 2) + 1);
        var labels = Enumerable.Range(0, batch).Select(i => i < used ? i : rng.Next(used)).ToArray();
        var visible = new VisibleSet(batch, classes);
        visible.Fill(labels, LossKind.Sit, classes);
        using var step = new TrainingStep(model, new ClipTrainingOptions { Dropout = false });
        var times = Stopwatches.Time(() =>
        {
            step.Run(pixels, visible, text, pet, gradients);
            optimizer.Step();
        }, warmup: 2, steps);
        double median = Stopwatches.Median(times);
        return new BenchResult(name, median, times[0], times[^1], steps, null, Stopwatches.PeakRssMb(), new Dictionary<string, string>
        {
            ["model"] = Path.GetFileName(Path.GetFullPath(modelDir)),
            ["pet"] = petSpec,
            ["batch"] = batch.ToString(CultureInfo.InvariantCulture),
            ["classes"] = classes.ToString(CultureInfo.InvariantCulture),
            ["threads"] = settings.IntraOpThreads.ToString(CultureInfo.InvariantCulture),
            ["pet_parameters"] = model.Layout.Tensors.Sum(t => t.ElementCount).ToString(CultureInfo.InvariantCulture),
        });
    }
}
