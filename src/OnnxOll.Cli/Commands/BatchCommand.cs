using System.CommandLine;
using OnnxOll.Clip.Batches;
using OnnxOll.Clip.Text;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll batch</c>: writes the batch file <c>embed</c> and <c>grad</c> read from image files and their labels.</summary>
public static class BatchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var images = new Option<string[]>("--images") { Description = "Image files or folders (a folder's PNG, JPEG, BMP and GIF files, sorted by name); repeat or list several.", Required = true, AllowMultipleArgumentsPerToken = true };
        var labels = new Option<string>("--labels") { Description = "One label per image, comma-separated, in the order of --images: \"red circle,blue square\".", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Prompt template with {} for the label (one prompt per class).", DefaultValueFactory = _ => PromptTemplates.DefaultTemplate };
        var output = CommonOptions.OutputFile(new Option<string>("--out") { Description = "safetensors to write: pixel_values [B,3,H,W] f32, input_ids [C,L] i64, labels [B] i64.", Required = true });
        var command = new Command("batch", "Write a batch file (preprocessed images, one tokenised prompt per class, labels) for embed and grad.")
        {
            model, images, labels, prompt, output,
        };
        command.SetAction(parse =>
        {
            string modelDir = parse.GetValue(model)!;
            string outPath = parse.GetValue(output)!;
            var files = BatchFileBuilder.ExpandImages(parse.GetValue(images)!);
            var given = parse.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries);
            var perImage = given.Select(l => ClassLabel.Check(l, "--labels")).ToArray();
            CommonOptions.CheckOutput(outPath, modelDir, [.. files]);
            var writer = BatchFileBuilder.Build(modelDir, files, perImage, parse.GetValue(prompt)!);
            AtomicFile.Write(outPath, writer.Write);
            Console.WriteLine($"wrote {outPath}: {files.Count} images, {perImage.Distinct(StringComparer.Ordinal).Count()} classes");
            return 0;
        });
        return command;
    }
}
