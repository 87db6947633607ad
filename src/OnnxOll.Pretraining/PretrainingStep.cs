using OnnxOll.Clip.Graphs;
using OnnxOll.Runtime;

namespace OnnxOll.Pretraining;

/// <summary>One contrastive pretraining step on a session specialised to the batch size and caption length: copies the weights in,
/// runs forward + backward, copies every weight's gradient out.</summary>
public sealed class PretrainingStep : IDisposable
{
    private readonly OnnxSession session;
    private readonly BoundRun run;
    private readonly BoundTensor[] weights;
    private readonly BoundTensor[] gradients;
    private readonly BoundTensor pixels, ids, targets, loss;
    private readonly ClipParameterSet parameters;

    /// <summary>Builds the graph of <paramref name="parameters"/>' layout and opens its session for batches of <paramref name="batchSize"/>
    /// captions of <paramref name="length"/> tokens.</summary>
    public PretrainingStep(ClipParameterSet parameters, int batchSize, int length, SessionSettings settings)
    {
        this.parameters = parameters;
        var model = ClipPretrainingGraph.Build(parameters.Layout);
        var fixedShapes = settings with
        {
            FreeDimensions = new Dictionary<string, long>(StringComparer.Ordinal) { ["batch"] = batchSize, ["length"] = length },
        };
        session = SessionFactory.FromModel(model, fixedShapes);
        try
        {
            run = session.Bind();
            var v = parameters.Layout.Config.Vision;
            pixels = run.Input(ClipGraphNames.PixelValues, batchSize, v.NumChannels, v.ImageSize, v.ImageSize);
            ids = run.Input(ClipGraphNames.InputIds, batchSize, length);
            targets = run.Input(ClipPretrainingGraph.PairTargets, batchSize, batchSize);
            loss = run.Output(ClipGraphNames.Loss);
            run.Output(ClipGraphNames.Logits, batchSize, batchSize);
            weights = [.. parameters.Layout.Parameters.Select(p => run.Input(p.StoredName, p.StoredShape))];
            gradients = [.. parameters.Layout.Parameters.Select(p => run.Output(ClipGraphNames.Gradient(p.StoredName), p.StoredShape))];
        }
        catch
        {
            run?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs one step on a prepared batch and returns the loss; the gradients land in <see cref="ClipParameterSet.Gradients"/>.</summary>
    public float Run(ReadOnlySpan<float> pixelValues, ReadOnlySpan<long> inputIds, ReadOnlySpan<float> pairTargets)
    {
        pixelValues.CopyTo(pixels.AsSpan<float>());
        inputIds.CopyTo(ids.AsSpan<long>());
        pairTargets.CopyTo(targets.AsSpan<float>());
        for (int i = 0; i < weights.Length; i++)
        {
            parameters.Values[i].CopyTo(weights[i].AsSpan<float>());
        }

        run.Run();
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i].AsSpan<float>().CopyTo(parameters.Gradients[i]);
        }

        return loss.AsSpan<float>()[0];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        run.Dispose();
        session.Dispose();
    }
}
