using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Benchmarks;

/// <summary>The figures of one <c>make bench</c> run: every measurement, the per-case rows, and their Markdown tables (plain text, never wrapped).</summary>
public sealed record BenchReport(JsonObject Machine, IReadOnlyList<CaseMeasurement> Measurements, IReadOnlyList<BenchRow> Rows)
{
    /// <summary>int8 vs float32 fidelity measured in the same run.</summary>
    public IReadOnlyList<FidelityResult> Fidelity { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Summarises <paramref name="measurements"/> (medians over rounds) into rows; <paramref name="configs"/> gives each case's model config.</summary>
    public static BenchReport Build(JsonObject machine, IReadOnlyList<BenchCase> cases, IReadOnlyList<CaseMeasurement> measurements, Func<BenchCase, ClipConfig?> configs)
    {
        var rows = new List<BenchRow>();
        foreach (var c in cases)
        {
            double? Med(string impl, Func<CaseMeasurement, double?> pick)
            {
                var values = measurements.Where(m => m.Case == c.Name && m.Implementation == impl).Select(pick).OfType<double>().Order().ToArray();
                return values.Length == 0 ? null : values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
            }

            var row = new BenchRow(c.Name, c.Kind, ClipFlops.Of(c, configs(c), CaseRunner.GemmSize(c)) / 1e9,
                Med(Implementations.OnnxOllFloat32, m => m.MedianMs), Med(Implementations.OnnxOllInt8, m => m.MedianMs), Med(Implementations.Libtorch, m => m.MedianMs),
                Med(Implementations.OnnxOllFloat32, m => m.PeakRssMb), Med(Implementations.OnnxOllInt8, m => m.PeakRssMb), Med(Implementations.Libtorch, m => m.PeakRssMb));
            if (c.Kind == BenchKind.Learn)
            {
                var step = rows.FirstOrDefault(r => r.Case == c.PredictingStep);
                // Prediction: a stream batch costs Iterations steps of the same batch, nothing else.
                double? Predict(double? stepMs) => stepMs is { } ms ? c.Batch * 1000.0 / (BenchCase.Iterations * ms) : null;
                row = row with
                {
                    Float32SamplesPerSecond = Med(Implementations.OnnxOllFloat32, m => m.SamplesPerSecond),
                    Int8SamplesPerSecond = Med(Implementations.OnnxOllInt8, m => m.SamplesPerSecond),
                    PredictedFloat32SamplesPerSecond = Predict(step?.Float32Ms),
                    PredictedInt8SamplesPerSecond = Predict(step?.Int8Ms),
                };
            }

            rows.Add(row);
        }

        return new BenchReport(machine, measurements, rows);
    }

    /// <summary>Reads a report written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Not valid JSON, or a field of the wrong shape; the message names the file and the field.</exception>
    public static BenchReport Load(string path)
    {
        var node = JsonFields.ReadObject(path);
        T Field<T>(string field)
        {
            try
            {
                return node[field].Deserialize<T>(Json)!;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // The serializer's message names .NET types: give the JSON path of the bad value instead.
                string at = e is JsonException { Path: { Length: > 1 } where } ? field + where[1..] : field;
                throw new InvalidDataException($"{path}: field '{at}' is not what 'onnxoll bench' writes (field '{field}' is {JsonFields.Describe(node[field])}).", e);
            }
        }

        var machine = node["machine"] as JsonObject ?? throw new InvalidDataException($"{path}: field 'machine' is {JsonFields.Describe(node["machine"])}, expected an object.");
        return new BenchReport(machine, Field<List<CaseMeasurement>?>("measurements") ?? [], Field<List<BenchRow>?>("rows") ?? [])
        {
            Fidelity = Field<List<FidelityResult>?>("fidelity") ?? [],
        };
    }

    /// <summary>Writes the report as JSON.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToJson().ToJsonString(Json));
    }

    /// <summary>The report as JSON (what <see cref="Save"/> writes).</summary>
    public JsonObject ToJson() => new()
    {
        ["machine"] = Machine.DeepClone(),
        ["measurements"] = JsonSerializer.SerializeToNode(Measurements, Json),
        ["rows"] = JsonSerializer.SerializeToNode(Rows, Json),
        ["fidelity"] = JsonSerializer.SerializeToNode(Fidelity, Json),
    };

    /// <summary>The Markdown tables: GEMM rates, steps and inference against libtorch, and learn end to end against the step's prediction.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var gemm = Rows.Where(r => r.Kind == BenchKind.Gemm).ToArray();
        double? Rate(BenchRow r, double? ms) => ms is { } m ? r.Gflop / (m / 1000) : null;
        double? peakF32 = gemm.Select(g => Rate(g, g.Float32Ms)).FirstOrDefault(), peakI8 = gemm.Select(g => Rate(g, g.Int8Ms)).FirstOrDefault();
        text.AppendLine("| case | GFLOP | float32 ms | int8 ms | libtorch ms | libtorch / float32 | libtorch / int8 | float32 % of peak | int8 % of peak | peak RSS MB float32 / int8 / libtorch |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in Rows.Where(r => r.Kind != BenchKind.Learn))
        {
            string f32Peak = r.Kind == BenchKind.Gemm ? $"{F(Rate(r, r.Float32Ms), 0)} GFLOP/s" : Percent(Rate(r, r.Float32Ms), peakF32);
            string i8Peak = r.Kind == BenchKind.Gemm ? $"{F(Rate(r, r.Int8Ms), 0)} GFLOP/s" : Percent(Rate(r, r.Int8Ms), peakI8);
            text.AppendLine($"| {r.Case} | {F(r.Gflop, 1)} | {F(r.Float32Ms, 1)} | {F(r.Int8Ms, 1)} | {F(r.LibtorchMs, 1)} | {X(r.Float32Speedup)} | {X(r.Int8Speedup)} | " +
                $"{f32Peak} | {i8Peak} | {F(r.Float32RssMb, 0)} / {F(r.Int8RssMb, 0)} / {F(r.LibtorchRssMb, 0)} |");
        }

        var learn = Rows.Where(r => r.Kind == BenchKind.Learn).ToArray();
        if (learn.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("| learn case | float32 samples/s | predicted | ratio | int8 samples/s | predicted | ratio | peak RSS MB float32 / int8 |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var r in learn)
            {
                text.AppendLine($"| {r.Case} | {F(r.Float32SamplesPerSecond, 2)} | {F(r.PredictedFloat32SamplesPerSecond, 2)} | {Ratio(r.Float32SamplesPerSecond, r.PredictedFloat32SamplesPerSecond)} | " +
                    $"{F(r.Int8SamplesPerSecond, 2)} | {F(r.PredictedInt8SamplesPerSecond, 2)} | {Ratio(r.Int8SamplesPerSecond, r.PredictedInt8SamplesPerSecond)} | " +
                    $"{F(r.Float32RssMb, 0)} / {F(r.Int8RssMb, 0)} |");
            }
        }

        var memory = Measurements.Where(m => m.Memory is not null).GroupBy(m => (m.Case, m.Implementation)).Select(g => g.First()).ToArray();
        if (memory.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("| where the peak goes (MB) | runtime at start | + weights and sessions | + over the steps (activations, arena) | peak RSS | of which managed heap | weights.bin | weights-int8.bin |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var m in memory)
            {
                var d = m.Memory!;
                text.AppendLine($"| {m.Case} {m.Implementation} | {F(d["rss_process_start"], 0)} | {F(d["rss_sessions_open"] - d["rss_process_start"], 0)} | " +
                    $"{F(d["rss_growth_over_steps"], 0)} | {F(m.PeakRssMb, 0)} | {F(d["managed_heap"], 0)} | {F(d["weights_file_float32"], 0)} | {F(d["weights_file_int8"], 0)} |");
            }
        }

        if (Fidelity.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| int8 vs float32 | embedding rel. error | loss float32 | loss int8 | min gradient cosine | median gradient rel. error | max gradient rel. error (tensor) |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var f in Fidelity)
            {
                text.AppendLine($"| {f.Case} | {E(f.EmbeddingRelativeError)} | {F(f.LossFloat32, 4)} | {F(f.LossInt8, 4)} | {F(f.MinCosine, 4)} | {E(f.MedianRelativeError)} | " +
                    $"{E(f.MaxRelativeError)} ({f.WorstTensor}) |");
            }
        }

        return text.ToString();
    }

    private static string E(double value) => value.ToString("E1", CultureInfo.InvariantCulture);

    private static string F(double? value, int digits) => value is { } v ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "-";

    private static string X(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

    private static string Ratio(double? actual, double? predicted) => actual is { } a && predicted is { } p && p > 0 ? (a / p).ToString("P0", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? rate, double? peak) => rate is { } r && peak is { } p && p > 0 ? (r / p).ToString("P0", CultureInfo.InvariantCulture) : "-";
}
