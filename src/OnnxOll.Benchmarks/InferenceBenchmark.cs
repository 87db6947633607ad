using System.Globalization;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>Image embeddings of one batch with the evaluation graph (no PET), as the peer's <c>bench --inference</c>.</summary>
public static class InferenceBenchmark
{
    /// <summary>Times the vision tower on <paramref name="batch"/> images.</summary>
    public static BenchResult Run(string name, string modelDir, SessionSettings settings, int batch = 10, int steps = 10)
    {
        using var model = ClipModelRuntime.Open(modelDir, PetSpec.None, settings);
        var v = model.Config.Vision;
        using var run = model.Vision.Bind();
        run.Input(ClipGraphNames.PixelValues, batch, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>().Fill(0.25f);
        run.Output(ClipGraphNames.ImageEmbeds, batch, model.Config.ProjectionDim);
        var times = Stopwatches.Time(run.Run, warmup: 2, steps);
        double median = Stopwatches.Median(times);
        return new BenchResult(name, median, times[0], times[^1], steps, null, Stopwatches.PeakRssMb(), new Dictionary<string, string>
        {
            ["model"] = Path.GetFileName(Path.GetFullPath(modelDir)),
            ["batch"] = batch.ToString(CultureInfo.InvariantCulture),
            ["images_per_s"] = (batch * 1000 / median).ToString("F1", CultureInfo.InvariantCulture),
            ["threads"] = settings.IntraOpThreads.ToString(CultureInfo.InvariantCulture),
        });
    }
}
