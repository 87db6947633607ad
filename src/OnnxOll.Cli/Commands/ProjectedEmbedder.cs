using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary>Runs the vision and text towers of a model with PET inputs, returning projected embeddings, normalised or not.</summary>
/// <remarks>Unnormalised graphs are generated once per PET spec into the model's cache folder, next to its weights.bin.</remarks>
public sealed class ProjectedEmbedder : IDisposable
{
    private readonly ClipModelRuntime model;
    private readonly SessionSettings settings;
    private readonly bool normalize;
    private readonly List<IDisposable> owned = [];
    private OnnxSession? vision;
    private OnnxSession? text;

    /// <summary>Embeds with <paramref name="model"/>'s frozen weights and PET layout; <paramref name="normalize"/> selects L2-normalised outputs.</summary>
    public ProjectedEmbedder(ClipModelRuntime model, SessionSettings settings, bool normalize)
    {
        this.model = model;
        this.settings = settings;
        this.normalize = normalize;
    }

    /// <summary>Image embeddings [B, P] of preprocessed images [B, 3, H, W].</summary>
    public float[] Images(ReadOnlyMemory<float> pixels, int batch, PetParameters pet)
    {
        vision ??= Open("vision", options => ClipVisionGraph.Build(model.Frozen, options));
        var v = model.Config.Vision;
        return Run(vision, ClipGraphNames.ImageEmbeds, batch, pet, run => pixels.Span.CopyTo(run.Input(ClipGraphNames.PixelValues, batch, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>()));
    }

    /// <summary>Text embeddings [C, P] of token ids [C, L].</summary>
    public float[] Texts(ReadOnlyMemory<long> ids, int classes, int length, PetParameters pet)
    {
        text ??= Open("text", options => ClipTextGraph.Build(model.Frozen, options));
        return Run(text, ClipGraphNames.TextEmbeds, classes, pet, run => ids.Span.CopyTo(run.Input(ClipGraphNames.InputIds, classes, length).AsSpan<long>()));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var d in owned)
        {
            d.Dispose();
        }

        owned.Clear();
    }

    private delegate void Fill(BoundRun run);

    private float[] Run(OnnxSession session, string output, int rows, PetParameters pet, Fill fill)
    {
        using var run = session.Bind();
        fill(run);
        var embeds = run.Output(output, rows, model.Config.ProjectionDim);
        new PetBinding(session, run, model.Layout, gradients: false).CopyIn(pet);
        run.Run();
        return embeds.AsSpan<float>().ToArray();
    }

    private OnnxSession Open(string kind, Func<ClipGraphOptions, ModelProto> build)
    {
        string path = Path.Combine(model.Frozen.Directory, $"{kind}-{(normalize ? "norm" : "raw")}-{ModelCache.Key(model.Layout.Spec.ToString())}.onnx");
        if (!File.Exists(path))
        {
            string temp = model.Frozen.SaveGraph(build(new ClipGraphOptions { Pet = model.Layout, Normalize = normalize }), $"{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            File.Move(temp, path, overwrite: true);
        }

        var session = SessionFactory.Open(path, settings);
        owned.Add(session);
        return session;
    }
}
