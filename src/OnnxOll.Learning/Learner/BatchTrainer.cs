using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Optim;

namespace OnnxOll.Learning.Learner;

/// <summary>The learner's trainable state and its gradient steps: PET tensors, gradients, AdamW, text offsets and class prototypes;
/// one call trains one staged batch for the configured iterations, firing the step hooks.</summary>
internal sealed class BatchTrainer : IDisposable
{
    private readonly ClipModelRuntime model;
    private readonly LearnerOptions options;
    private readonly Dictionary<string, float[]> gradients;
    private readonly VisibleSet visible;
    private readonly StepTerms terms;
    private readonly float[] batchEmbeds;
    private readonly float[] sampleLosses;
    private readonly int sampleLength;
    private TrainingStep? step;

    public BatchTrainer(ClipModelRuntime model, LearnerOptions options, int capacity)
    {
        this.model = model;
        this.options = options;
        Pet = PetParameters.Create(model.Layout, options.Seed);
        gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        Optimizer = new AdamW(
            model.Layout.Tensors.Select(t => new NamedParameter(t.Name, Pet[t.Name], gradients[t.Name])).ToArray(),
            new AdamWOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay });
        visible = new VisibleSet(capacity, 64);
        sampleLength = model.Config.Vision.NumChannels * model.Config.Vision.ImageSize * model.Config.Vision.ImageSize;
        Prototypes = new PrototypeMemory(model.Config.ProjectionDim);
        Embedder = options.PrototypeWeight > 0 ? new ImageEmbedder(model) : null;
        batchEmbeds = new float[Embedder is null ? 0 : capacity * model.Config.ProjectionDim];
        Offsets = options.TextOffsetLearningRate > 0 ? new TextOffsets(model.Config.ProjectionDim, options.TextOffsetLearningRate) : null;
        terms = new StepTerms();
        sampleLosses = new float[capacity];
    }

    public PetParameters Pet { get; }

    public IReadOnlyDictionary<string, float[]> Gradients => gradients;

    public AdamW Optimizer { get; }

    public PrototypeMemory Prototypes { get; }

    /// <summary>Embeds batches for the prototypes (null: the run mixes no prototype logits).</summary>
    public ImageEmbedder? Embedder { get; }

    public TextOffsets? Offsets { get; }

    /// <summary>Opens the training step with the plugins' loss terms, whose inputs <paramref name="inputs"/> holds (once per learner).</summary>
    public void Prepare(IReadOnlyList<TrainingLossTerm> lossTerms, LossTermInputs inputs)
    {
        if (step is not null || options.ZeroShot)
        {
            return;
        }

        terms.Inputs = inputs;
        step = new TrainingStep(model, new ClipTrainingOptions
        {
            DoubleSoftmax = options.CompatDoubleSoftmax,
            Dropout = options.Dropout,
            SeenWeight = options.SeenWeight,
            TextOffset = Offsets is not null,
            LossTerms = lossTerms,
        }, options.BatchSize);
    }

    /// <summary>Takes the batch's gradient steps; returns the mean loss and pre-clipping gradient norm of those applied (null: none was).</summary>
    public (float Loss, float GradNorm)? Train(float[] pixels, ReadOnlySpan<int> labels, int classes, TextFeatures text, LearnerContext context, LearnerHooks hooks)
    {
        var s = step ?? throw new InvalidOperationException("Prepare the trainer before training.");
        int n = labels.Length;
        visible.Fill(labels, options.SeenWeight > 0 ? LossKind.All : context.BatchLoss ?? options.Loss, classes);
        double lossSum = 0, normSum = 0;
        int applied = 0;
        for (int i = 0; i < options.Iterations; i++)
        {
            context.Iteration = i;
            hooks.Fire(static (p, c) => p.BeforeStep(c));
            if (Offsets is not null)
            {
                terms.EnsureOffsetCapacity(visible.Count * Offsets.Dimension);
                Offsets.Gather(visible.Classes, terms.Offsets);
            }

            float loss = s.Run(pixels.AsSpan(0, n * sampleLength), visible, text, Pet, gradients, terms);
            CrossEntropies(s.Logits, visible, sampleLosses);
            context.SampleLosses = sampleLosses.AsMemory(0, n);
            hooks.Fire(static (p, c) => p.AfterBackward(c));
            Optimizer.ClearFrozenGradients();
            var offsetGradients = terms.OffsetGradients.AsSpan(0, Offsets is null ? 0 : visible.Count * Offsets.Dimension);
            context.Loss = loss;
            context.StepSkipped = !float.IsFinite(loss) || !Optimizer.GradientsAreFinite() || !float.IsFinite(TensorPrimitives.Sum<float>(offsetGradients));
            if (!context.StepSkipped)
            {
                float norm = options.ClipGradNorm > 0 ? Optimizer.ClipGradNorm(options.ClipGradNorm) : Optimizer.GradientNorm();
                Optimizer.Step();
                Offsets?.Step(visible.Classes, offsetGradients);
                lossSum += loss;
                normSum += norm;
                applied++;
            }

            hooks.Fire(static (p, c) => p.AfterStep(c));
        }

        context.State.SkippedSteps += options.Iterations - applied;
        return applied == 0 ? null : ((float)(lossSum / applied), (float)(normSum / applied));
    }

    /// <summary>Classes the last batch's softmax ranged over.</summary>
    public int VisibleCount => visible.Count;

    /// <summary>Adds the batch's images, embedded with the PET values after its steps, to their classes' running means
    /// (a label below 0 marks an image that does not count, such as a replayed one).</summary>
    public void UpdatePrototypes(float[] pixels, ReadOnlySpan<int> labels)
    {
        if (Embedder is null || labels.Length == 0)
        {
            return;
        }

        Embedder.Embed(pixels, labels.Length, Pet, batchEmbeds);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= 0)
            {
                Prototypes.Add(labels[i], batchEmbeds.AsSpan(i * Embedder.Dimension, Embedder.Dimension));
            }
        }
    }

    /// <summary>Each image's cross-entropy over the step's visible classes, from the logits [n, classes] (for plugins that rank samples).</summary>
    private static void CrossEntropies(ReadOnlySpan<float> logits, VisibleSet visible, Span<float> losses)
    {
        int classes = visible.Count;
        for (int i = 0; i < visible.BatchSize; i++)
        {
            var row = logits.Slice(i * classes, classes);
            float max = TensorPrimitives.Max(row);
            double sum = 0;
            foreach (float logit in row)
            {
                sum += Math.Exp(logit - max);
            }

            losses[i] = (float)(max + Math.Log(sum) - row[(int)visible.Targets[i]]);
        }
    }

    public void Dispose()
    {
        step?.Dispose();
        Embedder?.Dispose();
    }
}
