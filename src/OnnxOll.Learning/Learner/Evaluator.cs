using System.Numerics.Tensors;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;

namespace OnnxOll.Learning.Learner;

/// <summary>Zero-shot style accuracy of the current PET model on test images of a set of classes.</summary>
/// <remarks>Test images are preprocessed once and kept (within a memory budget); each evaluation re-embeds them with the current PET values.</remarks>
public sealed class Evaluator : IDisposable
{
    private const int EvalBatch = 64;
    private const long CacheBudgetFloats = 256L * 1024 * 1024;

    private readonly ILabelledSampleSource source;
    private readonly SamplePreparer preparer;
    private readonly Dictionary<string, List<int>> samplesByClass = new(StringComparer.Ordinal);
    private readonly Dictionary<int, float[]> cache = [];
    private readonly ClipClassifier classifier;
    private readonly int dim;
    private long cachedFloats;

    /// <summary>Evaluates on <paramref name="testSource"/>, using at most <paramref name="perClass"/> images of each class (0: all).</summary>
    public Evaluator(IClipInference model, ILabelledSampleSource testSource, int perClass)
    {
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

        classifier = new ClipClassifier(model);
    }

    /// <summary>Sends each image to the learned or the frozen model (null: all to the learned one); an image sent to the frozen
    /// model is scored against the frozen text features alone (no offsets, no prototypes).</summary>
    public IInputRouter? Router
    {
        get => classifier.Router;
        set => classifier.Router = value;
    }

    /// <summary>Class names present in the test data.</summary>
    public IReadOnlyCollection<string> Classes => samplesByClass.Keys;

    /// <summary>Accuracy (and per-class accuracy) over the test images of <paramref name="classIds"/>, predicting among those classes.</summary>
    /// <remarks>With <paramref name="prototypes"/> and a weight w &gt; 0 a class scores (1 − w) · cos(image, text) + w · cos(image, prototype),
    /// its prototype being the normalised mean of its stream images (the text features stand in for a class without images).
    /// With <paramref name="offsets"/> a class's text features are normalise(features + its learned offset). With a <see cref="Router"/>,
    /// <paramref name="frozenText"/> holds the frozen model's text features (default: <paramref name="text"/>, right when the text tower has no PET).</remarks>
    public (double Accuracy, IReadOnlyDictionary<string, double> PerClass) Evaluate(
        IReadOnlyList<int> classIds, ClassVocabulary vocabulary, TextFeatures text, PetParameters parameters, PrototypeMemory? prototypes = null, float prototypeWeight = 0,
        TextOffsets? offsets = null, TextFeatures? frozenText = null) =>
        Evaluate(classIds, vocabulary, ClassFeatures(classIds, text, prototypes, prototypeWeight, offsets), parameters,
            Router is null ? null : ClassFeatures(classIds, frozenText ?? text, null, 0, null));

    /// <summary>Accuracy (and per-class accuracy) over the test images of <paramref name="classIds"/> when class p scores
    /// <paramref name="classFeatures"/>[p] · image embedding (rows of the embedding's width, one per class); images the <see cref="Router"/>
    /// sends to the frozen model score against <paramref name="frozenClassFeatures"/>.</summary>
    public (double Accuracy, IReadOnlyDictionary<string, double> PerClass) Evaluate(
        IReadOnlyList<int> classIds, ClassVocabulary vocabulary, float[] classFeatures, PetParameters parameters, float[]? frozenClassFeatures = null)
    {
        if (Router is not null && frozenClassFeatures is null)
        {
            throw new ArgumentNullException(nameof(frozenClassFeatures), "A routed evaluation needs the frozen model's class features.");
        }

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
        int sampleLength = classifier.SampleLength;
        var pixels = new float[EvalBatch * sampleLength];
        var embeds = new float[EvalBatch * dim];
        var scores = new float[classIds.Count];
        var toFrozen = new bool[EvalBatch];
        for (int start = 0; start < indices.Count; start += EvalBatch)
        {
            int b = Math.Min(EvalBatch, indices.Count - start);
            for (int i = 0; i < b; i++)
            {
                Pixels(indices[start + i].Sample).CopyTo(pixels, i * sampleLength);
            }

            classifier.EmbedRouted(pixels, b, parameters, embeds, toFrozen);
            for (int i = 0; i < b; i++)
            {
                int best = ClipClassifier.Predict(embeds.AsSpan(i * dim, dim), toFrozen[i] ? frozenClassFeatures! : classFeatures, scores);
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

    /// <summary>One feature row per class whose dot product with an image embedding is the class's score: the text features, mixed
    /// linearly with the prototype where the class has one.</summary>
    private float[] ClassFeatures(IReadOnlyList<int> classIds, TextFeatures text, PrototypeMemory? prototypes, float prototypeWeight, TextOffsets? offsets)
    {
        var features = new float[classIds.Count * dim];
        var mean = new float[dim];
        for (int p = 0; p < classIds.Count; p++)
        {
            var row = features.AsSpan(p * dim, dim);
            if (offsets is null)
            {
                text.Row(classIds[p]).CopyTo(row);
            }
            else
            {
                offsets.Apply(classIds[p], text.Row(classIds[p]), row);
            }

            if (prototypeWeight > 0 && prototypes is not null && prototypes.TryNormalizedMean(classIds[p], mean))
            {
                TensorPrimitives.Multiply(row, 1 - prototypeWeight, row);
                TensorPrimitives.MultiplyAdd(mean, prototypeWeight, row, row);
            }
        }

        return features;
    }

    /// <inheritdoc/>
    public void Dispose() => classifier.Dispose();

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
