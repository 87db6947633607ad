using System.CommandLine;
using System.Text.Json.Nodes;
using OnnxOll.Autodiff.Checking;
using OnnxOll.Runtime;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll gradcheck</c>: every gradient rule against central finite differences, run in ONNX Runtime.</summary>
public static class GradcheckCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var filter = new Option<string?>("--op") { Description = "Only cases whose op type or name contains this text." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 20260523 };
        var json = JsonOutput.Option();
        var command = new Command("gradcheck", "Check every gradient rule against finite differences; prints op, shapes, max relative error, pass/fail.") { filter, seed, json };
        command.SetAction(parse => Run(parse.GetValue(filter), parse.GetValue(seed), parse.GetValue(json)));
        return command;
    }

    private static int Run(string? filter, int seed, bool json)
    {
        // Case names and shapes are identifiers: on a narrow terminal they move to a line of their own rather than break mid-word.
        var table = new Table()
            .AddColumn(new TableColumn("case").NoWrap()).AddColumn(new TableColumn("op").NoWrap()).AddColumn(new TableColumn("shapes"))
            .AddColumns("entries", "max rel err", "tolerance", "result");
        var rows = new JsonArray();
        using var evaluator = new DoubleEvaluator();
        int failures = 0;
        var cases = GradientCheckCases.All.Where(c => filter is null
            || c.OpType.Contains(filter, StringComparison.OrdinalIgnoreCase) || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
        {
            // An empty table and exit 0 would read as "every rule passed".
            throw new ArgumentException($"--op '{filter}': no gradient check case matches (ops: {string.Join(", ", GradientCheckCases.All.Select(c => c.OpType).Distinct().Order(StringComparer.Ordinal))}).");
        }

        foreach (var c in cases)
        {
            var result = FiniteDifferenceChecker.Check(c.BuildModel(), c.Trainables, evaluator.Evaluate, c.Domains, c.Options(seed), c.BuildReference());
            failures += result.Passed ? 0 : 1;
            rows.Add(new JsonObject
            {
                ["case"] = c.Name,
                ["op"] = c.OpType,
                ["shapes"] = c.Shapes,
                ["entries"] = result.Entries,
                ["max_relative_error"] = result.MaxRelativeError,
                ["tolerance"] = result.Tolerance,
                ["passed"] = result.Passed,
            });
            table.AddRow(
                Markup.Escape(c.Name), c.OpType, Markup.Escape(c.Shapes), result.Entries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.MaxRelativeError.ToString("E2", System.Globalization.CultureInfo.InvariantCulture),
                result.Tolerance.ToString("E0", System.Globalization.CultureInfo.InvariantCulture),
                result.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        }

        if (json)
        {
            JsonOutput.Write(new JsonObject { ["seed"] = seed, ["cases"] = rows, ["failed"] = failures });
        }
        else
        {
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{table.Rows.Count} cases, {failures} failed (seed {seed}).");
        }

        return failures == 0 ? 0 : 1;
    }
}
