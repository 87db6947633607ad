using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxOll.Benchmarks;
using OnnxOll.Clip.Tiny;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll bench</c> (<c>make bench</c>): GEMM peak, the online step on tiny and ViT-B/32 shapes, inference; JSON results.</summary>
public static class BenchCommand
{
    /// <summary>The libtorch peer's median for the ViT-B/32 image-tower step (LoRA q,v, batch 10, 2 threads), from ../shared/peer.</summary>
    public const double PeerB32StepMs = 1150;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "JSON results file.", DefaultValueFactory = _ => "runs/bench.json" };
        var models = new Option<string>("--models") { Description = "Folder for the generated benchmark models (b32 is 605 MB).", DefaultValueFactory = _ => "runs/bench-models" };
        var steps = new Option<int>("--steps") { Description = "Timed steps per benchmark.", DefaultValueFactory = _ => 10 };
        var skipB32 = new Option<bool>("--skip-b32") { Description = "Only the GEMM peak and the tiny model." };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var command = new Command("bench", "Benchmark the online step (forward + backward + AdamW) and inference; compare with the GEMM peak and libtorch.")
        {
            output, models, steps, skipB32, threads, provider,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(models)!, parse.GetValue(steps), parse.GetValue(skipB32), CommonOptions.Settings(parse, threads, provider)));
        return command;
    }

    private static int Run(string output, string modelsDir, int steps, bool skipB32, Runtime.SessionSettings settings)
    {
        const string LoraQv = "lora:r=8,alpha=16,towers=image,layers=all,targets=q+v";
        var results = new List<BenchResult> { GemmPeakBenchmark.Run(settings) };
        string tiny = Model(modelsDir, TinyShape.Tiny);
        results.Add(TrainingStepBenchmark.Run("step_tiny_image_lora_qv_b10", tiny, LoraQv, settings, steps: Math.Max(steps, 20)));
        results.Add(TrainingStepBenchmark.Run("step_tiny_both_lora_qv_b10", tiny, "lora:r=8,alpha=16,towers=both,layers=all,targets=q+v", settings, steps: Math.Max(steps, 20)));
        if (!skipB32)
        {
            string b32 = Model(modelsDir, TinyShape.B32);
            results.Add(TrainingStepBenchmark.Run("step_b32_image_lora_qv_b10", b32, LoraQv, settings, steps: steps));
            results.Add(InferenceBenchmark.Run("inference_b32_b10", b32, settings, steps: steps));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        var table = new Table().AddColumns("benchmark", "median ms", "min-max ms", "GFLOP/s", "peak RSS MB", "note");
        foreach (var r in results)
        {
            string note = r.Name == "step_b32_image_lora_qv_b10"
                ? $"{PeerB32StepMs / r.MedianMs:F2}x vs libtorch {PeerB32StepMs} ms"
                : r.Settings.TryGetValue("images_per_s", out var ips) ? $"{ips} images/s" : string.Empty;
            table.AddRow(r.Name, F(r.MedianMs), $"{F(r.MinMs)}-{F(r.MaxMs)}", r.GflopPerSecond is { } g ? F(g) : "-", F(r.PeakRssMb), note);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"results: {Path.GetFullPath(output)}");
        return 0;
    }

    private static string Model(string modelsDir, TinyShape shape)
    {
        string dir = Path.Combine(modelsDir, shape.ToString().ToLowerInvariant());
        if (!File.Exists(Path.Combine(dir, "model.safetensors")))
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]writing random {shape} model to {dir}[/]");
            TinyClip.Write(dir, seed: 2, shape);
        }

        return dir;
    }

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
