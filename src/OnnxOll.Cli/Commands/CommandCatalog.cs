using System.CommandLine;

namespace OnnxOll.Cli.Commands;

/// <summary>Every sub-command of the <c>onnxoll</c> tool, in the order the help lists them.</summary>
public static class CommandCatalog
{
    /// <summary>Creates the sub-commands.</summary>
    public static IEnumerable<Command> All() =>
    [
        DemoCommand.Create(),
        InitTinyCommand.Create(),
        PretrainCommand.Create(),
        ResultsCommand.Create(),
        LearnCommand.Create(),
        ProbeCommand.Create(),
        ServeCommand.Create(),
        GradcheckCommand.Create(),
        BenchCommand.Create(),
        BatchCommand.Create(),
        EmbedCommand.Create(),
        GradCommand.Create(),
        PredictCommand.Create(),
        EvalCommand.Create(),
        ExportCommand.Create(),
        AdapterCommand.Create(),
    ];
}
