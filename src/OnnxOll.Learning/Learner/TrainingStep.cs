using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>One SIT gradient step on the training graph: binds the batch, runs forward + backward, leaves PET gradients in managed buffers.</summary>
/// <remarks>Inputs and outputs are bound once per shape, so a step allocates nothing managed after warm-up.</remarks>
public sealed class TrainingStep : IDisposable
{
    private readonly OnnxSession session;
    private readonly BoundRun run;
    private readonly PetBinding pet;
    private readonly bool takesInputIds;
    private readonly int channels, size, dim, length;

    /// <summary>Opens the training graph of <paramref name="model"/> for the given options.</summary>
    public TrainingStep(ClipModelRuntime model, ClipTrainingOptions options)
    {
        session = model.OpenTraining(options);
        run = session.Bind();
        pet = new PetBinding(session, run, model.Layout, gradients: true);
        takesInputIds = ClipTrainingGraph.TakesInputIds(model.Layout);
        channels = model.Config.Vision.NumChannels;
        size = model.Config.Vision.ImageSize;
        dim = model.Config.ProjectionDim;
        length = model.Config.Text.MaxPositionEmbeddings;
    }

    /// <summary>Runs one step and returns the loss; gradients are copied into <paramref name="gradients"/> by PET name.</summary>
    public float Run(ReadOnlySpan<float> pixels, VisibleSet visible, TextFeatures text, PetParameters parameters, IReadOnlyDictionary<string, float[]> gradients)
    {
        int b = visible.BatchSize, s = visible.Count;
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

        run.Output(ClipGraphNames.Logits, b, s);
        var loss = run.Output(ClipGraphNames.Loss);
        pet.CopyIn(parameters);
        run.Run();
        pet.CopyGradientsOut(gradients);
        return loss.AsSpan<float>()[0];
    }

    /// <inheritdoc/>
    public void Dispose() => run.Dispose();
}
