using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Deploy.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary>Options several commands share (model folder, threads, execution provider) and checked option kinds.</summary>
public static class CommonOptions
{
    /// <summary>The Hugging Face CLIP folder.</summary>
    public static Option<string> Model() => ModelPath(new Option<string>("--model") { Description = "CLIP folder (config.json, model.safetensors, vocab.json, merges.txt).", Required = true });

    /// <summary>Adds a check that the option names an existing model folder or weights file; a missing folder, another file and a
    /// hub id each get their own message (<see cref="ClipModelFiles.Problem"/>).</summary>
    public static Option<T> ModelPath<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is string path && ClipModelFiles.Problem(path) is { } problem)
            {
                result.AddError($"{option.Name} {problem}");
            }
        });
        return option;
    }

    /// <summary>Lets a command use PET tensors recorded as learned on another model (a deliberate transfer), with a warning instead of the refusal.</summary>
    public static Option<bool> AllowOtherModel() =>
        new(ModelMatch.AllowOption) { Description = "Use a run, checkpoint or adapter learned on another model (its recorded model hash differs) with this one; warns." };

    /// <summary>Lets a command replace an existing model folder (runs and adapters learned on it then no longer match it).</summary>
    public static Option<bool> Force() =>
        new(Clip.Model.OutputFolder.ForceOption) { Description = "Replace the model already in the output folder (runs, checkpoints and adapters learned on it then no longer match it)." };

    /// <summary>Intra-op threads of ONNX Runtime.</summary>
    public static Option<int> Threads() =>
        AtLeast(new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount }, 1);

    /// <summary>Execution provider.</summary>
    public static Option<ExecutionProviderKind> Provider() => Choice("--provider", "cpu (default) or cuda (needs the GPU build).", ExecutionProviderKind.Cpu);

    /// <summary>Precision of the frozen backbone's linear weights.</summary>
    public static Option<FrozenPrecision> Frozen() => Choice("--frozen", "Frozen linear weights: float32 (default) or int8 (quantized once per model; faster products).", FrozenPrecision.Float32);

    /// <summary>Session settings from the parsed options.</summary>
    public static SessionSettings Settings(ParseResult parse, Option<int> threads, Option<ExecutionProviderKind> provider) =>
        SessionSettings.Create(parse.GetValue(provider), parse.GetValue(threads));

    /// <summary>A required option taking one of <typeparamref name="T"/>'s names in lower case; other values are refused listing the choices.</summary>
    public static Option<T> Choice<T>(string name, string description)
        where T : struct, Enum =>
        new(name) { Description = description, Required = true, CustomParser = result => ParseChoice<T>(result, name) };

    /// <summary>Like <see cref="Choice{T}(string, string)"/> with a default value.</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue)
        where T : struct, Enum =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = result => ParseChoice<T>(result, name) };

    /// <summary>Adds a check that the option's value is at least <paramref name="min"/>.</summary>
    public static Option<T> AtLeast<T>(Option<T> option, T min)
        where T : INumber<T>
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (!(value >= min))
            {
                result.AddError($"{option.Name} {Format(value)}: expected at least {Format(min)}");
            }
        });
        return option;
    }

    /// <summary>Adds a check that the option's value lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<T> Between<T>(Option<T> option, T min, T max)
        where T : INumber<T>
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (!(value >= min && value <= max))
            {
                result.AddError($"{option.Name} {Format(value)}: expected {Format(min)} to {Format(max)}");
            }
        });
        return option;
    }

    /// <summary>Adds a check that the option names a file to write, not an existing folder.</summary>
    public static Option<T> OutputFile<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is string path && Directory.Exists(path))
            {
                result.AddError($"{option.Name} {path}: is a folder; expected the path of a file to write");
            }
        });
        return option;
    }

    /// <summary>Adds a check that the option names a folder to write into, not an existing file.</summary>
    public static Option<T> OutputFolder<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is string path && File.Exists(path))
            {
                result.AddError($"{option.Name} {path}: is a file; expected a folder");
            }
        });
        return option;
    }

    /// <summary>Refuses an output file inside the model folder (the model hash covers its files, so every run of the model would stop
    /// matching) or equal to one of the command's input files.</summary>
    /// <exception cref="ArgumentException">The message names the option, the file and the folder.</exception>
    public static void CheckOutput(string outPath, string modelDir, params string?[] inputs)
    {
        string full = Path.GetFullPath(outPath);
        string model = Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDir)) + Path.DirectorySeparatorChar;
        if (full.StartsWith(model, StringComparison.Ordinal))
        {
            throw new ArgumentException($"--out {outPath}: is inside the model folder {modelDir}; write it elsewhere (the model's hash covers that folder).");
        }

        if (inputs.FirstOrDefault(i => i is not null && Path.GetFullPath(i) == full) is { } input)
        {
            throw new ArgumentException($"--out {outPath}: is also an input of this command ({input}); write it elsewhere.");
        }
    }

    /// <summary>Adds a check that every prompt template holds the class-name slot <c>{}</c> exactly once.</summary>
    public static Option<string[]> Templates(Option<string[]> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var template in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (template.Split("{}").Length != 2)
                {
                    result.AddError($"{option.Name} '{template}': expected the slot '{{}}' exactly once");
                }
            }
        });
        return option;
    }

    /// <summary>Adds a check that the option's value is finite and greater than zero.</summary>
    public static Option<float> Positive(Option<float> option)
    {
        option.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!(float.IsFinite(value) && value > 0))
            {
                result.AddError($"{option.Name} {Format(value)}: expected a finite value greater than 0");
            }
        });
        return option;
    }

    private static T ParseChoice<T>(ArgumentResult result, string name)
        where T : struct, Enum
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        var match = Enum.GetValues<T>().Where(v => string.Equals(v.ToString(), text, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (match.Length == 1)
        {
            return match[0];
        }

        result.AddError($"{name} '{text}': expected one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return default;
    }

    private static string Format<T>(T value)
        where T : INumber<T> => value.ToString(null, CultureInfo.InvariantCulture);
}
