using System.CommandLine;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary>The <c>onnxoll</c> command line: parses, runs one command and turns every failure into one error line and an exit code.</summary>
public static class OnnxOllCli
{
    /// <summary>Shows the stack trace of a failure.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print the stack trace of an error.", Recursive = true };

    /// <summary>Runs <paramref name="args"/>; returns 0, 130 when interrupted, <see cref="CommandErrors.InputError"/> for bad input, 1 for an internal error.</summary>
    /// <remarks>A given <paramref name="error"/> writer also receives what commands write to <see cref="Console.Error"/> (warnings) meanwhile.</remarks>
    public static int Invoke(string[] args, TextWriter? error = null)
    {
        if (error is null)
        {
            return Run(args, Console.Error);
        }

        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return Run(args, error);
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private static int Run(string[] args, TextWriter error)
    {
        var root = new RootCommand("OnnxOll: online lifelong learning of CLIP models on ONNX Runtime (SIT loss, PET tuning).") { Verbose };
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        ConsoleWidth.Apply();
        ParseResult parse;
        try
        {
            parse = root.Parse(ConfigLayers.Expand(root, args));
        }
        catch (Exception e)
        {
            return CommandErrors.Report(e, args.Contains(Verbose.Name), error);
        }

        if (parse.Errors.Count > 0)
        {
            return CommandErrors.ReportParseErrors(parse, error);
        }

        var console = AnsiConsole.Console;
        try
        {
            if (JsonOutput.Requested(parse))
            {
                // stdout carries the one JSON document; what commands print for people (notes, tables, progress) goes to stderr.
                AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            }

            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (Exception e)
        {
            return CommandErrors.Report(e, parse.GetValue(Verbose), error);
        }
        finally
        {
            AnsiConsole.Console = console;
        }
    }
}
