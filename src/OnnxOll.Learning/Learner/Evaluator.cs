using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Data;
using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>Zero-shot style accuracy of the current PET model on test images of a set of classes.</summary>
/// <remarks>Test images are preprocessed once and kept (within a memory budget); each evaluation re-embeds them with the current PET values.</remarks>
public sealed class Evaluator : IDisposable
{
    private const int EvalBatch = 64;
    private const long CacheBudgetFloats = 256L * 1024 * 1024;

    private readonly IClipInference model;
    private readonly ILabelledSampleSource source;
    private readonly SamplePreparer preparer;
    private readonly Dictionary<string, List<int>> samplesByClass = new(StringComparer.Ordinal);
    private readonly Dictionary<int, float[]> cache = [];
    private readonly BoundRun run;
    private readonly PetBinding pet;
    private readonly int dim;
    private long cachedFloats;

    /// <summary>Evaluates on <paramref name="testSource"/>, using at most <paramref name="perClass"/> images of each class (0: all).</summary>
    public Evaluator(IClipInference model, ILabelledSampleSource testSource, int perClass)
    {
        this.model = model;
        source = testSource;
        preparer = new SamplePreparer(model.Preprocessing);
        dim = model.Config.ProjectionDim;
        for (int i = 0; i < testSource.Labels.Count; i++)
        {
            string label = testSource.Labels[i];
            if (!samplesByClass.TryGetValue(label, out var list))
            {
                samplesByClass[label] = list = [];
            }

            if (perClass <= 0 || list.Count < perClass)
            {
                list.Add(i);
            }
        }

        run = model.Vision.Bind();
        pet = new PetBinding(model.Vision, run, model.Layout, gradients: false);
    }

    /// <summary>Class names present in the test data.</summary>
    public IReadOnlyCollection<string> Classes => samplesByClass.Keys;

    /// <summary>Accuracy (and per-class accuracy) over the test images of <paramref name="classIds"/>, predicting among those classes.</summary>
    public (double Accuracy, IReadOnlyDictionary<string, double> PerClass) Evaluate(
        IReadOnlyList<int> classIds, ClassVocabulary vocabulary, TextFeatures text, PetParameters parameters)
    {
        var perClass = new Dictionary<string, double>(StringComparer.Ordinal);
        var indices = new List<(int Sample, int Position)>();
        for (int p = 0; p < classIds.Count; p++)
        {
            if (samplesByClass.TryGetValue(vocabulary.Names[classIds[p]], out var list))
            {
                indices.AddRange(list.Select(i => (i, p)));
            }
        }

        if (indices.Count == 0)
        {
            return (0, perClass);
        }

        var correctByClass = new int[classIds.Count];
        var totalByClass = new int[classIds.Count];
        int sampleLength = preparer.SampleLength;
        for (int start = 0; start < indices.Count; start += EvalBatch)
        {
            int b = Math.Min(EvalBatch, indices.Count - start);
            var pixels = run.Input(ClipGraphNames.PixelValues, b, model.Config.Vision.NumChannels, model.Config.Vision.ImageSize, model.Config.Vision.ImageSize).AsSpan<float>();
            for (int i = 0; i < b; i++)
            {
                Pixels(indices[start + i].Sample).CopyTo(pixels.Slice(i * sampleLength, sampleLength));
            }

            var embeds = run.Output(ClipGraphNames.ImageEmbeds, b, dim);
            pet.CopyIn(parameters);
            run.Run();
            var e = embeds.AsSpan<float>();
            for (int i = 0; i < b; i++)
            {
                int best = 0;
                float bestScore = float.NegativeInfinity;
                for (int p = 0; p < classIds.Count; p++)
                {
                    float score = TensorPrimitives.Dot(e.Slice(i * dim, dim), text.Row(classIds[p]));
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = p;
                    }
                }

                int truth = indices[start + i].Position;
                totalByClass[truth]++;
                correctByClass[truth] += best == truth ? 1 : 0;
            }
        }

        for (int p = 0; p < classIds.Count; p++)
        {
            if (totalByClass[p] > 0)
            {
                perClass[vocabulary.Names[classIds[p]]] = (double)correctByClass[p] / totalByClass[p];
            }
        }

        return ((double)correctByClass.Sum() / totalByClass.Sum(), perClass);
    }

    /// <inheritdoc/>
    public void Dispose() => run.Dispose();

    private float[] Pixels(int sample)
    {
        if (cache.TryGetValue(sample, out var cached))
        {
            return cached;
        }

        var item = preparer.Prepare(source.Read(sample));
        if (cachedFloats + item.Length <= CacheBudgetFloats)
        {
            cache[sample] = item;
            cachedFloats += item.Length;
        }

        return item;
    }
}
