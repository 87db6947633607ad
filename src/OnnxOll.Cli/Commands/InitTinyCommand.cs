using System.CommandLine;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tiny;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll init-tiny</c>: writes a Hugging Face-format CLIP folder with random weights.</summary>
public static class InitTinyCommand
{
    // What TinyClip.Write puts into a folder: a folder holding only these may be written again.
    private static readonly HashSet<string> ModelFiles = new([ClipConfig.FileName, ClipWeights.FileName, "vocab.json", "merges.txt"], StringComparer.Ordinal);

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Folder to write (config.json, model.safetensors, vocab.json, merges.txt).", Required = true };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => 0 };
        var shapeOption = CommonOptions.Choice("--shape", "tiny (test size), b32 or b16 (real ViT-B shapes).", TinyShape.Tiny);
        var force = CommonOptions.Force();
        var command = new Command("init-tiny", "Write a CLIP model folder with random weights, in the Hugging Face layout.") { outOption, seedOption, shapeOption, force };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(outOption)!;
            OutputFolder.Check(dir, "model written by init-tiny", d => Directory.EnumerateFileSystemEntries(d).All(e => ModelFiles.Contains(Path.GetFileName(e))));
            OutputFolder.CheckModelReplace(dir, parse.GetValue(force));
            var config = TinyClip.Write(dir, parse.GetValue(seedOption), parse.GetValue(shapeOption));
            Console.WriteLine($"wrote {dir}: vision {config.Vision.HiddenSize}x{config.Vision.NumHiddenLayers}, text {config.Text.HiddenSize}x{config.Text.NumHiddenLayers}, projection {config.ProjectionDim}");
            return 0;
        });
        return command;
    }
}
