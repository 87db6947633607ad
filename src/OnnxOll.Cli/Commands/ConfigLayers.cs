using System.CommandLine;
using System.CommandLine.Parsing;
using OnnxOll.Jobs.Configuration;

namespace OnnxOll.Cli.Commands;

/// <summary>Adds to a command line the settings it leaves out: first those of the run a resume continues (<c>RUN/run.json</c>),
/// then those of <c>--config FILE</c>; options typed on the command line win over both.</summary>
public static class ConfigLayers
{
    /// <summary><paramref name="args"/> with the arguments of the run's recorded settings and the config file appended.</summary>
    /// <exception cref="ArgumentException">The config file has a key that is no option of the command.</exception>
    /// <exception cref="InvalidDataException">The config file or <c>run.json</c> is malformed.</exception>
    public static string[] Expand(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var first = root.Parse(args);
        var command = first.CommandResult;
        var options = command.Command.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Select(n => n[2..]).ToList();
        var given = command.Children.OfType<OptionResult>().Where(r => !r.Implicit).Select(r => r.Option.Name.TrimStart('-')).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        if (Resumes(command) && Value<string>(command, "--out") is { } run && ConfigFile.ReadRun(run) is { } recorded)
        {
            added.AddRange(ConfigArguments.ToArguments(recorded, options, given, skipUnknown: true));
        }

        if (Value<string>(command, "--config") is { } file)
        {
            added.AddRange(ConfigArguments.ToArguments(ConfigFile.Read(file), options, given, skipUnknown: false));
        }

        return added.Count == 0 ? args : [.. args, .. added];
    }

    // serve always continues the run its folder holds; learn does with --resume.
    private static bool Resumes(CommandResult command) => command.Command.Name == "serve" || Value<bool>(command, "--resume");

    /// <summary>The value of the command's option <paramref name="name"/> as typed, or the default when it was not (or is no option).</summary>
    private static T? Value<T>(CommandResult command, string name) =>
        command.Command.Options.FirstOrDefault(o => o.Name == name) is { } option && command.GetResult(option) is { Implicit: false } result
            ? result.GetValueOrDefault<T>()
            : default;
}
