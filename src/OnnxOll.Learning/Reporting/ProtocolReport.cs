using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Learning.Reporting;

/// <summary>Writes <c>docs/results.md</c> of the CIFAR-100 protocol from the run folders and the pretrained model: the backbone's
/// pretraining record, one table per scenario (mean ± std over seeds), the accuracy-over-stream plots and the SIT-vs-all-seen verdict.</summary>
public static class ProtocolReport
{
    /// <summary>The reference rows every method is measured against: zero-shot, running class means, linear probe, joint LoRA.</summary>
    public static readonly IReadOnlyList<string> ReferenceRows = ["zero-shot", "rcm", "probe", "joint-lora"];

    /// <summary>Methods in the order the tables list them (others follow alphabetically).</summary>
    public static readonly IReadOnlyList<string> MethodOrder =
        [.. ReferenceRows, "default", "sit-lora-image", "sit-lora-both", "sit-lora-both-proto", "sit-seen", "sit-distill", "sit-offsets", "all-lora-both",
            "sit-adapter", "sit-lora-both-double-softmax", "sit-lora-both-int8", "sit-replay", "all-replay", "online-lora", "sit-ddas", "default-ddas",
            "sit-class-vocabulary", "moe", "moe-ddas"];

    private static readonly (string Field, string Header, double Scale, string Format)[] Columns =
    [
        ("a_auc", "A_auc (%)", 100, "F1"), ("a_avg", "A_avg (%)", 100, "F1"), ("a_last", "A_last (%)", 100, "F1"), ("f_last", "F_last (%)", 100, "F1"),
        ("zero_shot_before", "base before (%)", 100, "F1"), ("zero_shot_after", "base after (%)", 100, "F1"),
    ];

    /// <summary>Writes the report to <paramref name="markdownPath"/> and its plots into <paramref name="plotDirectory"/> (linked relatively).</summary>
    public static void Write(string runsRoot, string modelDirectory, string markdownPath, string plotDirectory, string header)
    {
        var runs = ProtocolRun.Discover(runsRoot);
        Directory.CreateDirectory(plotDirectory);
        var md = new StringBuilder();
        md.AppendLine("# Results: a pretrained small CLIP learning 50 new CIFAR-100 classes online").AppendLine();
        md.AppendLine(header).AppendLine();
        WritePretraining(md, modelDirectory);
        foreach (var scenario in runs.Select(r => r.Scenario).Distinct())
        {
            var scenarioRuns = runs.Where(r => r.Scenario == scenario).ToList();
            var methods = Ordered(scenarioRuns.Select(r => r.Method).Distinct());
            md.AppendLine(CultureInfo.InvariantCulture, $"## Scenario `{scenario}`").AppendLine();
            md.Append("| method | seeds |");
            md.AppendJoin("", Columns.Select(c => $" {c.Header} |")).AppendLine(" samples/s |");
            md.Append("| --- | --- |").AppendJoin("", Columns.Select(_ => " --- |")).AppendLine(" --- |");
            foreach (var method in methods)
            {
                var m = scenarioRuns.Where(r => r.Method == method).ToList();
                md.Append(CultureInfo.InvariantCulture, $"| {method} | {m.Count} |");
                foreach (var c in Columns)
                {
                    md.Append(' ').Append(MeanStd.Of(m.Select(r => r.Get(c.Field)))?.Format(c.Scale, c.Format) ?? "-").Append(" |");
                }

                md.AppendLine($" {MeanStd.Of(m.Select(r => r.SamplesPerSecond))?.Format(1, "F0") ?? "-"} |");
            }

            string plot = Path.Combine(plotDirectory, $"accuracy-{scenario}.png");
            ProtocolPlot.Write(scenarioRuns, methods, $"{scenario}: anytime accuracy (mean over seeds)", plot);
            string link = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(markdownPath))!, plot).Replace('\\', '/');
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"![{scenario}]({link})").AppendLine();
            md.AppendLine(Verdict(scenarioRuns)).AppendLine();
            md.AppendLine(Distances(scenarioRuns, methods)).AppendLine();
            if (MethodMeasurements.Of(scenarioRuns, methods) is { } measured)
            {
                md.AppendLine(measured).AppendLine();
            }
        }

        md.AppendLine("Columns: A_auc = mean anytime accuracy on the test images of the classes seen so far; A_avg = mean accuracy at task ends; ")
            .AppendLine("A_last = accuracy after the stream; F_last = mean over classes of (best accuracy at an earlier task end − final accuracy); ")
            .AppendLine("base before/after = zero-shot accuracy on the test images of the classes never streamed (the regime's base or control classes) before and after the stream; ")
            .AppendLine("samples/s = stream samples per wall-clock second of the whole run, evaluations included (wall-clock: other work on the machine ")
            .AppendLine("during a run lowers it). Mean ± sample std over seeds.");
        File.WriteAllText(markdownPath, md.ToString());
    }

    private static void WritePretraining(StringBuilder md, string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, PretrainedModelFiles.Summary);
        md.AppendLine("## The pretrained backbone").AppendLine();
        if (!File.Exists(path))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"No pretraining record at `{path}`.").AppendLine();
            return;
        }

        var p = JsonFields.ReadObject(path);
        int classes = JsonFields.Required<int>(p, "classes", path);
        double seconds = JsonFields.Required<double>(p, "seconds", path);
        string evalTemplate = p["settings"] is JsonObject settings ? JsonFields.Optional(settings, "eval_template", path, "-") : "-";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Recipe `{p["recipe"]}` (seed {p["seed"]}), {JsonFields.Required<long>(p, "parameters", path):N0} weights, pretrained from random weights on {classes} CIFAR-100 classes " +
            $"({p["steps"]} steps) in {seconds / 60:F1} minutes of wall-clock time. Zero-shot accuracy on those classes' test images after each epoch " +
            $"(prompt \"{evalTemplate}\", chance {100.0 / classes:F1} %):").AppendLine();
        md.AppendLine("| epoch | mean loss | zero-shot accuracy (%) | exp(logit_scale) | minutes |").AppendLine("| --- | --- | --- | --- | --- |");
        var epochs = p["epochs"] as JsonArray ?? throw new InvalidDataException($"{path}: field 'epochs' is {JsonFields.Describe(p["epochs"])}, expected an array.");
        for (int i = 0; i < epochs.Count; i++)
        {
            var e = epochs[i] as JsonObject ?? throw new InvalidDataException($"{path}: field 'epochs[{i}]' is {JsonFields.Describe(epochs[i])}, expected an object.");
            double? accuracy = JsonFields.Optional<double?>(e, "zero_shot_accuracy", path, null);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {JsonFields.Required<int>(e, "epoch", path) + 1} | {JsonFields.Required<double>(e, "mean_loss", path):F3} | {(accuracy is { } a ? (a * 100).ToString("F1", CultureInfo.InvariantCulture) : "-")} | {Math.Exp(JsonFields.Required<double>(e, "logit_scale", path)):F1} | {JsonFields.Required<double>(e, "seconds", path) / 60:F1} |");
        }

        md.AppendLine();
    }

    /// <summary>A sentence comparing SIT with the all-seen baseline on forgetting and base-class retention, whatever the answer is.</summary>
    private static string Verdict(IReadOnlyList<ProtocolRun> runs)
    {
        var sit = runs.Where(r => r.Method == "sit-lora-both").ToList();
        var all = runs.Where(r => r.Method == "all-lora-both").ToList();
        if (sit.Count == 0 || all.Count == 0)
        {
            return "SIT vs all-seen: not both run in this scenario.";
        }

        var sitF = MeanStd.Of(sit.Select(r => r.Get("f_last")))!.Value;
        var allF = MeanStd.Of(all.Select(r => r.Get("f_last")))!.Value;
        var sitAfter = MeanStd.Of(sit.Select(r => r.Get("zero_shot_after")));
        var allAfter = MeanStd.Of(all.Select(r => r.Get("zero_shot_after")));
        string forgetting = sitF.Mean < allF.Mean ? "forgets less" : sitF.Mean > allF.Mean ? "forgets more" : "forgets as much";
        string retention = sitAfter is { } s && allAfter is { } a
            ? $" On the base classes it keeps {s.Mean * 100:F1} % zero-shot accuracy vs {a.Mean * 100:F1} % for all-seen ({(s.Mean >= a.Mean ? "better" : "worse")} retention)."
            : string.Empty;
        string spread = sit.Count > 1 && Math.Abs(sitF.Mean - allF.Mean) < sitF.Std + allF.Std ? " The F_last gap is within one standard deviation across seeds." : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"**SIT vs all-seen (LoRA, both towers):** SIT {forgetting} than the all-seen loss here: F_last {sitF.Mean * 100:F1} % vs {allF.Mean * 100:F1} %.{retention}{spread}");
    }

    /// <summary>Each learner's A_last against the reference rows, and how much of the base classes' zero-shot accuracy it keeps.</summary>
    private static string Distances(IReadOnlyList<ProtocolRun> runs, IReadOnlyList<string> methods)
    {
        double? Mean(string method, string field) => MeanStd.Of(runs.Where(r => r.Method == method).Select(r => r.Get(field)))?.Mean;
        var references = ReferenceRows.Skip(1).Where(r => Mean(r, "a_last") is not null).ToList();
        var lines = new List<string>();
        foreach (var method in methods.Where(m => !ReferenceRows.Contains(m)))
        {
            if (Mean(method, "a_last") is not { } last)
            {
                continue;
            }

            var gaps = references.Select(r => string.Create(CultureInfo.InvariantCulture, $"{(last - Mean(r, "a_last")!.Value) * 100:+0.0;-0.0} vs {r}"));
            string kept = Mean(method, "zero_shot_before") is > 0 and { } before && Mean(method, "zero_shot_after") is { } after
                ? string.Create(CultureInfo.InvariantCulture, $"; base classes keep {after / before * 100:F0} % of their zero-shot accuracy")
                : string.Empty;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"- {method}: A_last {last * 100:F1} % ({string.Join(", ", gaps)} points){kept}."));
        }

        return lines.Count == 0 ? "No learner besides the reference rows ran in this scenario." : "**Distance to the reference rows:**\n\n" + string.Join("\n", lines);
    }

    private static List<string> Ordered(IEnumerable<string> methods)
    {
        var list = methods.ToList();
        return [.. list.OrderBy(m => MethodOrder.Contains(m) ? MethodOrder.ToList().IndexOf(m) : int.MaxValue).ThenBy(m => m, StringComparer.Ordinal)];
    }
}
