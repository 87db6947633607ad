using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OnnxOll.Benchmarks;

/// <summary>Runs the libtorch peer's <c>bench</c> (../shared/peer, built outside the repository) on the same model folder, batch and threads.</summary>
public static class PeerBench
{
    /// <summary>The peer's arguments for <paramref name="c"/>: LoRA r=8 alpha=16 on q,v of the case's towers, SIT, 2 warm-up steps.</summary>
    public static IReadOnlyList<string> Arguments(BenchCase c, string modelDir, int threads)
    {
        var args = new List<string>
        {
            "bench", "--model", modelDir, "--batch-size", I(c.Batch), "--classes", I(BenchCase.Classes), "--steps", I(c.Steps),
            "--warmup", "2", "--threads", I(threads), "--mode", "sit",
        };
        if (c.Kind == BenchKind.Inference)
        {
            args.Add("--inference");
        }
        else
        {
            args.AddRange(["--towers", c.Towers ?? "image", "--proj", "q,v", "--rank", I(BenchCase.Rank), "--alpha", I(BenchCase.Alpha)]);
        }

        return args;
    }

    /// <summary>Runs the peer executable and reads its JSON result.</summary>
    /// <exception cref="InvalidOperationException">The peer failed or printed no result.</exception>
    public static CaseMeasurement Run(string executable, BenchCase c, string modelDir, int threads)
    {
        string stdout = ChildProcess.Run(executable, Arguments(c, modelDir, threads));
        using var json = JsonDocument.Parse(ChildProcess.LastJsonLine(stdout, executable));
        var root = json.RootElement;
        return new CaseMeasurement(c.Name, Implementations.Libtorch, root.GetProperty("median_ms").GetDouble(), root.GetProperty("min_ms").GetDouble(),
            root.GetProperty("max_ms").GetDouble(), root.GetProperty("peak_rss_mb").GetDouble());
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
