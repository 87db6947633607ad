using System.Diagnostics;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Optim;
using OnnxOll.Runtime;
using OnnxOll.Jobs;

namespace OnnxOll.Benchmarks;

/// <summary>Runs one case with OnnxOll in this process (the benchmark runs each case in a fresh process, so the peak RSS is the case's own).</summary>
public static class CaseRunner
{
    /// <summary>GEMM size of the float32 and int8 rate cases on B/32 runs (and on tiny runs).</summary>
    public static int GemmSize(BenchCase c) => c.Name == "gemm_256" ? 256 : 1024;

    /// <summary>The generated random model folder of <paramref name="shape"/> under <paramref name="modelsDir"/>, written on first use.</summary>
    public static string Model(string modelsDir, string shape)
    {
        var tiny = shape == "b32" ? TinyShape.B32 : TinyShape.Tiny;
        string dir = Path.Combine(modelsDir, shape);
        if (!File.Exists(Path.Combine(dir, "model.safetensors")))
        {
            TinyClip.Write(dir, seed: 2, tiny);
        }

        return dir;
    }

    /// <summary>Times <paramref name="c"/> with frozen weights in <paramref name="precision"/>.</summary>
    public static CaseMeasurement Run(BenchCase c, string modelsDir, SessionSettings settings, FrozenPrecision precision) => c.Kind switch
    {
        BenchKind.Gemm => GemmPeakBenchmark.Run(c.Name, settings, GemmSize(c), precision, c.Steps),
        BenchKind.Step => Step(c, Model(modelsDir, c.Shape), settings, precision),
        BenchKind.Inference => Inference(c, Model(modelsDir, c.Shape), settings, precision),
        _ => Learn(c, Model(modelsDir, c.Shape), settings, precision),
    };

    private static CaseMeasurement Step(BenchCase c, string modelDir, SessionSettings settings, FrozenPrecision precision)
    {
        double start = Stopwatches.RssMb();
        using var setup = StepSetup.Create(modelDir, c.PetSpec, settings, precision, c.Batch, BenchCase.Classes);
        double opened = Stopwatches.RssMb();
        var optimizer = new AdamW(setup.Model.Layout.Tensors.Select(t => new NamedParameter(t.Name, setup.Pet[t.Name], setup.Gradients[t.Name])).ToArray(),
            new AdamWOptions { LearningRate = 1e-4f, WeightDecay = 0.01f });
        var times = Stopwatches.Time(() =>
        {
            setup.Run();
            optimizer.Step();
        }, warmup: 2, c.Steps);
        return Measurement(c, precision, times) with { Memory = MemoryRecord(start, opened, setup.Model.Frozen) };
    }

    /// <summary>Where a case's peak went: RSS at start and once its sessions were open, growth after that, the managed heap
    /// (size at the last collection) and the weight files.</summary>
    private static Dictionary<string, double> MemoryRecord(double start, double opened, FrozenWeights frozen) => new(StringComparer.Ordinal)
    {
        ["rss_process_start"] = start,
        ["rss_sessions_open"] = opened,
        ["rss_growth_over_steps"] = Stopwatches.PeakRssMb() - opened,
        ["managed_heap"] = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,
        ["weights_file_float32"] = new FileInfo(Path.Combine(frozen.Directory, FrozenWeights.FileName)).Length / 1048576.0,
        ["weights_file_int8"] = frozen.Int8?.ByteSize / 1048576.0 ?? 0,
    };

    private static CaseMeasurement Inference(BenchCase c, string modelDir, SessionSettings settings, FrozenPrecision precision)
    {
        using var model = ClipModelRuntime.Open(modelDir, PetSpec.None, settings, precision);
        using var classifier = new ClipClassifier(model);
        var pixels = new float[c.Batch * classifier.SampleLength];
        var rng = new Random(0);
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var pet = PetParameters.Zero(model.Layout);
        var embeds = new float[c.Batch * classifier.Dimension];
        return Measurement(c, precision, Stopwatches.Time(() => classifier.Embed(pixels, c.Batch, pet, embeds), warmup: 2, c.Steps));
    }

    /// <summary>The whole job as <c>onnxoll learn</c> runs it: 12 synthetic classes (iid), <see cref="BenchCase.Steps"/> stream batches,
    /// 3 steps per batch, a checkpoint per batch; with evaluations every <see cref="BenchCase.EvalEvery"/> samples on 2 test images per class.</summary>
    private static CaseMeasurement Learn(BenchCase c, string modelDir, SessionSettings sessions, FrozenPrecision precision)
    {
        const int classes = 12;
        double start = Stopwatches.RssMb();
        int perClass = (c.Steps * c.Batch) / classes;
        string runDir = Path.Combine(Path.GetTempPath(), $"onnxoll-bench-{c.Name}-{Guid.NewGuid():N}");
        try
        {
            var clock = Stopwatch.StartNew();
            var settings = new LearningJobSettings
            {
                ModelDirectory = modelDir,
                DataSpec = $"synthetic:colours=4,shapes=3,textures=1,train={perClass},test={(c.EvalEvery > 0 ? 2 : 0)},size=64,seed=1",
                RunDirectory = runDir,
                Pet = PetSpec.Parse(c.PetSpec),
                Learner = new LearnerOptions { BatchSize = c.Batch, Iterations = BenchCase.Iterations, EvalEvery = c.EvalEvery, EvalPerClass = 2 },
                Sessions = sessions,
                Frozen = precision,
            };
            using var job = LearningJob.Open(settings, _ => { }, _ => { });
            double opened = Stopwatches.RssMb();
            var result = job.Run(null, null, CancellationToken.None);
            double batchMs = 1000.0 * c.Batch / result.SamplesPerSecond;
            return new CaseMeasurement(c.Name, Implementations.OnnxOll(precision), batchMs, batchMs, clock.Elapsed.TotalMilliseconds,
                Stopwatches.PeakRssMb(), result.SamplesPerSecond)
            { Memory = MemoryRecord(start, opened, job.Model.Frozen) };
        }
        finally
        {
            if (Directory.Exists(runDir))
            {
                Directory.Delete(runDir, recursive: true);
            }
        }
    }

    private static CaseMeasurement Measurement(BenchCase c, FrozenPrecision precision, double[] sorted) =>
        new(c.Name, Implementations.OnnxOll(precision), Stopwatches.Median(sorted), sorted[0], sorted[^1], Stopwatches.PeakRssMb());
}
