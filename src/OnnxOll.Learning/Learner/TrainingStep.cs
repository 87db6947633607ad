using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>One SIT gradient step on the training graph: binds the batch, runs forward + backward, leaves PET gradients in managed buffers.</summary>
/// <remarks>The usual batch size runs on a session specialised to it (static shapes: bias Adds fused into Gemm, no run-time
/// shape work); any other size (a short last batch, a batch cut at a task boundary) runs on one shape-generic session,
/// opened the first time it is needed. Inputs and outputs are bound once per shape, so a step allocates nothing managed
/// after warm-up.</remarks>
public sealed class TrainingStep : IDisposable
{
    private readonly ClipModelRuntime model;
    private readonly ClipTrainingOptions options;
    private readonly bool takesInputIds;
    private readonly int channels, size, dim, length;
    private Binding? specialised;
    private Binding? generic;
    private BoundTensor? logits;

    /// <summary>Prepares steps on the training graph of <paramref name="model"/> for the given options.</summary>
    /// <param name="model">The model runtime (owns the sessions).</param>
    /// <param name="options">Loss and dropout options.</param>
    /// <param name="batchSize">The usual batch size, whose session is opened now; null: the size of the first batch run.</param>
    public TrainingStep(ClipModelRuntime model, ClipTrainingOptions options, int? batchSize = null)
    {
        this.model = model;
        this.options = options;
        takesInputIds = ClipTrainingGraph.TakesInputIds(model.Layout);
        channels = model.Config.Vision.NumChannels;
        size = model.Config.Vision.ImageSize;
        dim = model.Config.ProjectionDim;
        length = model.Config.Text.MaxPositionEmbeddings;
        if (batchSize is { } b)
        {
            specialised = Open(b);
        }
    }

    /// <summary>The last step's logits [batch, visible classes] (empty before the first step; overwritten by the next).</summary>
    public ReadOnlySpan<float> Logits => logits is null ? [] : logits.AsSpan<float>();

    /// <summary>Runs one step and returns the loss; gradients are copied into <paramref name="gradients"/> by PET name, and into
    /// <paramref name="terms"/> for the text offsets (it holds their inputs and the loss terms' when the options enable them).</summary>
    public float Run(ReadOnlySpan<float> pixels, VisibleSet visible, TextFeatures text, PetParameters parameters, IReadOnlyDictionary<string, float[]> gradients, StepTerms? terms = null)
    {
        int b = visible.BatchSize, s = visible.Count;
        specialised ??= Open(b);
        var (run, pet) = specialised.BatchSize == b ? specialised : generic ??= Open(null);
        pixels.CopyTo(run.Input(ClipGraphNames.PixelValues, b, channels, size, size).AsSpan<float>());
        visible.Targets.CopyTo(run.Input(ClipGraphNames.Targets, b).AsSpan<long>());
        if (takesInputIds)
        {
            var ids = run.Input(ClipGraphNames.InputIds, s, length).AsSpan<long>();
            for (int i = 0; i < s; i++)
            {
                text.Tokens(visible.Classes[i]).CopyTo(ids.Slice(i * length, length));
            }
        }
        else
        {
            var features = run.Input(ClipGraphNames.TextFeatures, s, dim).AsSpan<float>();
            for (int i = 0; i < s; i++)
            {
                text.Row(visible.Classes[i]).CopyTo(features.Slice(i * dim, dim));
            }
        }

        if (options.SeenWeight > 0)
        {
            visible.Mask.CopyTo(run.Input(ClipGraphNames.BatchClassMask, s).AsSpan<float>());
        }

        BoundTensor? offsetGradients = null;
        if (options.TextOffset || options.LossTerms.Count > 0)
        {
            ArgumentNullException.ThrowIfNull(terms);
            offsetGradients = BindTerms(run, terms, s);
        }

        logits = run.Output(ClipGraphNames.Logits, b, s);
        var loss = run.Output(ClipGraphNames.Loss);
        pet.CopyIn(parameters);
        run.Run();
        pet.CopyGradientsOut(gradients);
        offsetGradients?.AsSpan<float>().CopyTo(terms!.OffsetGradients);
        return loss.AsSpan<float>()[0];
    }

    /// <summary>Binds the plugins' loss-term inputs and the offsets; returns the offsets' gradient output (null without offsets).</summary>
    private BoundTensor? BindTerms(BoundRun run, StepTerms terms, int s)
    {
        terms.Inputs.CopyTo(run);

        if (!options.TextOffset)
        {
            return null;
        }

        terms.Offsets.AsSpan(0, s * dim).CopyTo(run.Input(ClipGraphNames.TextOffset, s, dim).AsSpan<float>());
        return run.Output(ClipGraphNames.Gradient(ClipGraphNames.TextOffset), s, dim);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        specialised?.Run.Dispose();
        generic?.Run.Dispose();
    }

    private Binding Open(int? batchSize)
    {
        var session = model.OpenTraining(options, batchSize);
        var run = session.Bind();
        return new Binding(batchSize, run, new PetBinding(session, run, model.Layout, gradients: true));
    }

    /// <summary>A session's bound run and PET slots; <see cref="BatchSize"/> is null for the shape-generic session.</summary>
    private sealed record Binding(int? BatchSize, BoundRun Run, PetBinding Pet)
    {
        public void Deconstruct(out BoundRun run, out PetBinding pet) => (run, pet) = (Run, Pet);
    }
}
