using System.CommandLine;
using OnnxOll.Learning.Reporting;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll results</c>: writes docs/results.md of the CIFAR-100 protocol from its run folders and the pretrained model.</summary>
public static class ResultsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runs = new Option<string>("--runs") { Description = "Protocol runs: <runs>/<scenario>/<method>/s<seed>/ (summary.json, metrics.jsonl).", Required = true };
        var model = CommonOptions.Model();
        var output = CommonOptions.OutputFile(new Option<string>("--out") { Description = "Markdown file to write.", DefaultValueFactory = _ => "docs/results.md" });
        var plots = CommonOptions.OutputFolder(new Option<string>("--plots") { Description = "Folder for the accuracy plots (PNG + SVG).", DefaultValueFactory = _ => "docs/results" });
        var header = new Option<string>("--header") { Description = "A paragraph placed under the title (how and where the results were produced).", DefaultValueFactory = _ => "" };
        var command = new Command("results", "Write the protocol's results page (tables mean ± std over seeds, plots) from run folders.") { runs, model, output, plots, header };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            ProtocolReport.Write(parse.GetValue(runs)!, parse.GetValue(model)!, path, parse.GetValue(plots)!, parse.GetValue(header)!);
            Console.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
