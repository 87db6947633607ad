using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Pretrain;

/// <summary><c>onnxoll pretrain</c> end to end: the loss falls, and the model folder it writes loads through every command.</summary>
[Collection(CliCollection.Name)]
public sealed class PretrainCommandTests(CliFixture fixture)
{
    [Fact]
    public void MicroPretrainLowersItsLossAndEveryCommandLoadsTheModel()
    {
        string root = fixture.PathFor("pretrain-micro");
        var (recipe, tokenizer) = MicroRecipe.Write(root, epochs: 6);
        string model = Path.Combine(root, "model");
        Assert.Equal(0, CliFixture.Invoke("pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", model, "--seed", "3"));

        var epochs = JsonNode.Parse(File.ReadAllText(Path.Combine(model, PretrainedModelFiles.Summary)))!["epochs"]!.AsArray();
        Assert.Equal(6, epochs.Count);
        double first = epochs[0]!["mean_loss"]!.GetValue<double>(), last = epochs[^1]!["mean_loss"]!.GetValue<double>();
        Assert.True(last < first - 0.1, $"mean loss went from {first:F4} (epoch 1) to {last:F4} (epoch 6)");
        Assert.Equal(8, File.ReadAllLines(Path.Combine(model, PretrainedModelFiles.Classes)).Length);
        foreach (var file in new[] { ClipConfig.FileName, ClipWeights.FileName, "vocab.json", "merges.txt" })
        {
            Assert.True(File.Exists(Path.Combine(model, file)), $"{file} missing from the pretrained model folder");
        }

        using (var weights = ClipWeights.Open(model))
        {
            Assert.Equal(ClipParameterShapes.For(weights.Config).Count, weights.Names.Count);
        }

        string run = Path.Combine(root, "run");
        Assert.Equal(0, CliFixture.Invoke("learn", "--model", model, "--data", MicroRecipe.Data, "--scenario", "disjoint:tasks=2", "--batch", "8",
            "--iters", "1", "--eval-every", "0", "--pet", "lora:r=2,alpha=2,towers=both,targets=q+v", "--out", run, "--threads", "1"));
        Assert.Equal(0, CliFixture.Invoke("eval", "--model", model, "--run", run, "--data", MicroRecipe.Data, "--per-class", "2"));
        string image = Path.Combine(root, "image.png");
        Bitmap.WriteRandom(image, 32, 32, seed: 5);
        Assert.Equal(0, CliFixture.Invoke("predict", "--model", model, "--image", image, "--labels", "red circle,blue square"));
        Assert.Equal(0, CliFixture.Invoke("export", "--model", model, "--pet", "lora:r=2,alpha=2,towers=both,targets=q+v", "--out", Path.Combine(root, "export")));
        string batch = Path.Combine(root, "batch.safetensors");
        var writer = new SafeTensorsWriter();
        writer.Add("pixel_values", new float[2 * 3 * 32 * 32], 2, 3, 32, 32);
        writer.Add("input_ids", Enumerable.Range(0, 16).Select(i => i == 0 ? 1L : i == 3 ? Clip.Text.TinyVocabulary.EndOfTextId : 5L).ToArray(), 1, 16);
        writer.Add("labels", new long[2], 2);
        writer.Write(batch);
        Assert.Equal(0, CliFixture.Invoke("embed", "--model", model, "--batch", batch, "--out", Path.Combine(root, "embeds.safetensors")));
    }

    [Fact]
    public void ARunFolderWithCheckpointsIsRefusedWithoutResume()
    {
        string root = fixture.PathFor("pretrain-refuse");
        var (recipe, tokenizer) = MicroRecipe.Write(root, epochs: 1);
        string model = Path.Combine(root, "model");
        string[] args = ["pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", model];
        Assert.Equal(0, CliFixture.Invoke(args));
        var (exit, error) = CliFixture.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains("pass --resume", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));

        // Its checkpoints gone, a new pretraining would replace the model runs were learned on: only with --force.
        Directory.Delete(Path.Combine(model, "pretrain-run"), recursive: true);
        var before = FolderTree.Hashes(model);
        Errors.ErrorLine.AssertInputError(CliFixture.Run(args), model, "holds a model", "--force");
        Assert.Equal(before, FolderTree.Hashes(model));
        Assert.Equal(0, CliFixture.Invoke([.. args, "--force"]));
    }

    [Fact]
    public void AModelFolderOrAFileGivenAsOutIsRefusedAndLeftAlone()
    {
        string root = fixture.PathFor("pretrain-out");
        var (recipe, tokenizer) = MicroRecipe.Write(root, epochs: 1);
        string model = fixture.CopyModel("pretrain-out-model");
        var before = Directory.GetFiles(model).ToDictionary(f => f, File.ReadAllBytes);
        string file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "x");

        ErrorLine.AssertInputError(CliFixture.Run("pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", model),
            model, "holds no pretrained model", "model.safetensors");
        ErrorLine.AssertInputError(CliFixture.Run("pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", file), file, "is a file");

        Assert.Equal(before.Keys.Order(), Directory.GetFiles(model).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }

    [Fact]
    public void AResumePastADamagedCheckpointWarnsAndSetsItAsideAndOneWithNoneReadableIsRefused()
    {
        string root = fixture.PathFor("pretrain-damaged");
        var (recipe, tokenizer) = MicroRecipe.Write(root, epochs: 2);
        string model = Path.Combine(root, "model");
        string[] args = ["pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", model, "--resume"];
        Assert.Equal(0, CliFixture.Invoke(args));
        string run = Path.Combine(model, "pretrain-run");
        var manifests = Directory.GetFiles(run, "ckpt-*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, manifests.Length);

        // The newest checkpoint's tensors cut short: the resume falls back to the older one, says so, and keeps the damaged one aside.
        string newest = Path.ChangeExtension(manifests[1], ".safetensors");
        File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..1000]);
        var (exit, error) = CliFixture.Run(args);
        Assert.True(exit == 0, error);
        Assert.Contains("warning: FELL BACK to " + Path.GetFileName(manifests[0]), error, StringComparison.Ordinal);
        Assert.True(File.Exists(newest + ".rejected"), "the damaged checkpoint was not set aside");

        // No readable checkpoint at all: refused, nothing changed (before, it silently started again and pruned the damaged files).
        foreach (var manifest in Directory.GetFiles(run, "ckpt-*.json"))
        {
            File.WriteAllText(manifest, "{");
        }

        var before = Directory.GetFiles(run).ToDictionary(f => f, File.ReadAllBytes);
        ErrorLine.AssertInputError(CliFixture.Run(args), run, "no checkpoint can be resumed", "nothing was changed");
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(run).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }
}
