using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Benchmarks;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll bench</c> (<c>make bench</c>): every case with OnnxOll float32, OnnxOll int8 and the libtorch peer in one run,
/// one fresh process per measurement; JSON plus Markdown tables (also regenerated from the JSON with <c>--report</c>).</summary>
public static class BenchCommand
{
    /// <summary>Marks the start of the README block that <c>--readme</c> replaces.</summary>
    public const string ReadmeBegin = "<!-- bench:begin -->";

    /// <summary>Marks the end of the README block that <c>--readme</c> replaces.</summary>
    public const string ReadmeEnd = "<!-- bench:end -->";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = CommonOptions.OutputFile(new Option<string>("--out") { Description = "JSON results file.", DefaultValueFactory = _ => "runs/bench.json" });
        var models = CommonOptions.OutputFolder(new Option<string>("--models") { Description = "Folder for the generated benchmark models (b32 is 605 MB).", DefaultValueFactory = _ => "runs/bench-models" });
        var rounds = CommonOptions.AtLeast(new Option<int>("--rounds") { Description = "Alternating rounds per case (one process per side per round).", DefaultValueFactory = _ => 2 }, 1);
        var peer = new Option<string?>("--peer") { Description = "The libtorch peer's clipref executable (built outside the repository; scripts/build-peer.sh). Default: $ONNXOLL_CLIPREF." };
        var tiny = new Option<bool>("--tiny") { Description = "The tiny-model cases only (a quick check of the machinery)." };
        var report = new Option<string?>("--report") { Description = "Print the tables of an existing JSON results file instead of measuring." };
        var readme = new Option<string?>("--readme") { Description = $"Also replace the block between {ReadmeBegin} and {ReadmeEnd} in this file with the tables." };
        var fidelityOnly = new Option<bool>("--fidelity") { Description = "With --report: measure the int8 fidelity rows again (tiny and the report's model shapes) and save them into the report." };
        var single = new Option<string?>("--case") { Description = "Run one case in this process and print its JSON measurement (what the benchmark's child processes do)." };
        var frozen = CommonOptions.Frozen();
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var json = JsonOutput.Option();
        var command = new Command("bench", "Benchmark OnnxOll (float32 and int8 frozen weights) against the libtorch peer: steps, inference, learn end to end, GEMM rates, int8 fidelity.")
        {
            output, models, rounds, peer, tiny, report, readme, fidelityOnly, single, frozen, threads, provider, json,
        };
        command.SetAction(parse =>
        {
            var settings = CommonOptions.Settings(parse, threads, provider);
            if (parse.GetValue(single) is { } name)
            {
                var m = CaseRunner.Run(BenchCases.Get(name), parse.GetValue(models)!, settings, parse.GetValue(frozen));
                Console.WriteLine(JsonSerializer.Serialize(m));
                return 0;
            }

            var result = parse.GetValue(report) is { } existing
                ? Reload(existing, parse.GetValue(fidelityOnly), parse.GetValue(models)!, settings)
                : Measure(parse.GetValue(tiny) ? BenchCases.Tiny : BenchCases.B32, parse.GetValue(models)!, parse.GetValue(rounds),
                    parse.GetValue(peer) ?? Environment.GetEnvironmentVariable("ONNXOLL_CLIPREF"), parse.GetValue(threads), settings, parse.GetValue(output)!);
            string tables = result.ToMarkdown();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result.ToJson());
            }
            else
            {
                Console.Write(tables);
            }

            if (parse.GetValue(readme) is { } path)
            {
                ReplaceBlock(path, tables);
                Console.Error.WriteLine($"updated {path}");
            }

            return 0;
        });
        return command;
    }

    private static BenchReport Measure(IReadOnlyList<BenchCase> cases, string modelsDir, int rounds, string? peer, int threads, SessionSettings settings, string output)
    {
        if (peer is not null && !File.Exists(peer))
        {
            throw new FileNotFoundException($"--peer {peer}: the libtorch peer executable does not exist (build it with scripts/build-peer.sh).", peer);
        }

        foreach (var shape in cases.Where(c => c.Kind != BenchKind.Gemm).Select(c => c.Shape).Distinct())
        {
            CaseRunner.Model(modelsDir, shape);
        }

        var machine = Machine(threads, peer);
        var measurements = BenchSuite.Run(cases, rounds,
            (c, precision) => Child(c, modelsDir, threads, precision),
            peer is null ? null : c => PeerBench.Run(peer, c, Path.GetFullPath(CaseRunner.Model(modelsDir, c.Shape)), threads),
            line => Console.Error.WriteLine(line));
        var configs = cases.Where(c => c.Kind != BenchKind.Gemm).Select(c => c.Shape).Distinct()
            .ToDictionary(s => s, s => ClipConfig.Load(CaseRunner.Model(modelsDir, s)));
        var fidelity = Fidelity(cases, modelsDir, settings);
        machine["load_average_end"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null;
        var result = BenchReport.Build(machine, cases, measurements, c => c.Kind == BenchKind.Gemm ? null : configs[c.Shape]) with { Fidelity = fidelity };
        result.Save(output);
        Console.Error.WriteLine($"results: {Path.GetFullPath(output)}");
        return result;
    }

    /// <summary>Loads a results file; with <paramref name="fidelity"/>, measures its fidelity rows again and saves them into it.</summary>
    private static BenchReport Reload(string path, bool fidelity, string modelsDir, SessionSettings settings)
    {
        var report = BenchReport.Load(path);
        if (fidelity)
        {
            var cases = BenchCases.B32.Concat(BenchCases.Tiny).Where(c => report.Rows.Any(r => r.Case == c.Name)).ToList();
            report = report with { Fidelity = Fidelity(cases, modelsDir, settings) };
            report.Save(path);
        }

        return report;
    }

    /// <summary>int8 vs float32 on the tiny model and on the shapes of <paramref name="cases"/>, for image-tower and both-tower LoRA.</summary>
    private static List<FidelityResult> Fidelity(IEnumerable<BenchCase> cases, string modelsDir, SessionSettings settings) =>
        BenchCases.Tiny.Concat(cases).Where(c => c.Kind == BenchKind.Step).Select(c => (c.Shape, c.Towers, c.PetSpec)).Distinct()
            .Select(f => Int8Fidelity.Measure($"{f.Shape}, LoRA q,v on {f.Towers}", CaseRunner.Model(modelsDir, f.Shape), f.PetSpec, settings))
            .ToList();

    /// <summary>Runs one OnnxOll case in a fresh process of this executable (its peak RSS is the case's own).</summary>
    private static CaseMeasurement Child(BenchCase c, string modelsDir, int threads, FrozenPrecision precision)
    {
        string process = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            args.Add(Assembly.GetEntryAssembly()!.Location);
        }

        args.AddRange(["bench", "--case", c.Name, "--models", modelsDir, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--frozen", precision.ToString().ToLowerInvariant()]);
        string stdout = ChildProcess.Run(process, args);
        return JsonSerializer.Deserialize<CaseMeasurement>(ChildProcess.LastJsonLine(stdout, $"bench --case {c.Name}"))!;
    }

    private static JsonObject Machine(int threads, string? peer)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        return new JsonObject
        {
            ["date_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["cpu"] = cpu,
            ["logical_cores"] = Environment.ProcessorCount,
            ["threads"] = threads,
            ["peer"] = peer,
            ["load_average_start"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        };
    }

    private static void ReplaceBlock(string path, string tables)
    {
        string text = File.ReadAllText(path);
        int begin = text.IndexOf(ReadmeBegin, StringComparison.Ordinal), end = text.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidDataException($"{path}: no block between '{ReadmeBegin}' and '{ReadmeEnd}' to replace.");
        }

        File.WriteAllText(path, string.Concat(text.AsSpan(0, begin + ReadmeBegin.Length), "\n", tables, text.AsSpan(end)));
    }
}
