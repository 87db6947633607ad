using System.CommandLine;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary>Options several commands share (model folder, threads, execution provider).</summary>
public static class CommonOptions
{
    /// <summary>The Hugging Face CLIP folder.</summary>
    public static Option<string> Model() => new("--model") { Description = "CLIP folder (config.json, model.safetensors, vocab.json, merges.txt).", Required = true };

    /// <summary>Intra-op threads of ONNX Runtime.</summary>
    public static Option<int> Threads() => new("--threads") { Description = "ONNX Runtime intra-op threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };

    /// <summary>Execution provider.</summary>
    public static Option<ExecutionProviderKind> Provider() => new("--provider") { Description = "cpu (default) or cuda (needs the GPU build).", DefaultValueFactory = _ => ExecutionProviderKind.Cpu };

    /// <summary>Session settings from the parsed options.</summary>
    public static SessionSettings Settings(ParseResult parse, Option<int> threads, Option<ExecutionProviderKind> provider) =>
        SessionSettings.Create(parse.GetValue(provider), parse.GetValue(threads));
}
