using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EmbedGradTests(CliFixture fixture)
{
    private const string BothTowers = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private const string ImageTower = "lora:r=4,alpha=8,towers=image,targets=q+v+o+fc1";

    // Six classes, the batch uses only 1, 3 and 4 (out of order), so 'sit' (S = {1,3,4}) and 'all' (S = 0..5) differ.
    private static readonly long[] Labels = [4, 1, 3, 4, 1, 3, 3];

    [Fact]
    public void EmbedWritesProjectedUnnormalisedEmbeddingsOfEveryImageAndPrompt()
    {
        string batch = fixture.WriteBatch("embed-batch.safetensors", 6, Labels, seed: 1);
        string output = fixture.PathFor("embed-out.safetensors");

        Assert.Equal(0, CliFixture.Invoke("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--out", output, "--threads", "1"));

        int p = fixture.Config.ProjectionDim;
        Assert.Equal([Labels.Length, p], Reference.Shape(output, "image_embeds"));
        Assert.Equal([6, p], Reference.Shape(output, "text_embeds"));
        var image = Reference.Read(output, "image_embeds");
        double norm = Math.Sqrt(image.Take(p).Sum(x => (double)x * x));
        Assert.True(Math.Abs(norm - 1) > 1e-3, $"image_embeds row 0 has norm {norm}: looks normalised.");

        // Normalised, the rows equal the runtime's evaluation graph (L2-normalised in ONNX).
        var model = FrozenModel.Open(fixture.ModelDirectory, PetSpec.None);
        var batchFile = BatchFile.Read(batch, fixture.Config, requireLabels: true);
        using var embedder = new ProjectedEmbedder(model, SessionSettings.Default, normalize: true);
        var normalised = embedder.Images(batchFile.Pixels, batchFile.Images, PetParameters.Create(model.Layout, 0));
        var reference = Reference.NormalizedRows(image, p);
        for (int i = 0; i < Labels.Length; i++)
        {
            for (int j = 0; j < p; j++)
            {
                Assert.Equal(reference[i][j], normalised[(i * p) + j], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(BothTowers, "sit")]
    [InlineData(BothTowers, "all")]
    [InlineData(ImageTower, "sit")]
    [InlineData(ImageTower, "all")]
    [InlineData(BothTowers, "sit", true)]
    [InlineData(ImageTower, "all", true)]
    public void GradLossEqualsCrossEntropyOfEmbedOutputs(string spec, string loss, bool doubleSoftmax = false)
    {
        string tag = $"{(spec == BothTowers ? "both" : "image")}-{loss}-{(doubleSoftmax ? "ds" : "ce")}";
        string batch = fixture.WriteBatch($"grad-batch-{tag}.safetensors", 6, Labels, seed: 2);
        string pet = fixture.WritePet($"grad-pet-{tag}.safetensors", spec, seed: 7, scale: 0.2);
        string embeds = fixture.PathFor($"grad-embeds-{tag}.safetensors");
        string grads = fixture.PathFor($"grad-out-{tag}.safetensors");

        Assert.Equal(0, CliFixture.Invoke("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--pet", pet, "--pet-spec", spec, "--out", embeds));
        string[] args = ["grad", "--model", fixture.ModelDirectory, "--batch", batch, "--pet", pet, "--pet-spec", spec, "--loss", loss, "--out", grads];
        Assert.Equal(0, CliFixture.Invoke(doubleSoftmax ? [.. args, "--compat-double-softmax"] : args));

        long[] subset = loss == "sit" ? [1, 3, 4] : [0, 1, 2, 3, 4, 5];
        using (var file = Onnx.SafeTensors.SafeTensorsFile.Open(grads))
        {
            Assert.Equal(subset, file.ReadInt64("subset"));
            Assert.Equal([Labels.Length, subset.Length], file.Get("logits").Shape);
            Assert.Equal([1L], file.Get("loss").Shape);
            foreach (var t in new PetLayout(PetSpec.Parse(spec), fixture.Config).Tensors)
            {
                Assert.Equal(t.Shape, file.Get(t.Name + ".grad").Shape);
            }
        }

        double expected = Reference.Loss(Reference.Read(embeds, "image_embeds"), Reference.Read(embeds, "text_embeds"), fixture.Config.ProjectionDim, Labels, subset, fixture.LogitScale, doubleSoftmax);
        Assert.Equal(expected, Reference.Read(grads, "loss")[0], 1e-5);
    }

    [Fact]
    public void SitAndAllLossesDiffer()
    {
        string batch = fixture.WriteBatch("diff-batch.safetensors", 6, Labels, seed: 3);
        string pet = fixture.WritePet("diff-pet.safetensors", BothTowers, seed: 8, scale: 0.2);
        var settings = SessionSettings.Default;

        float sit = GradCommand.Grad(fixture.ModelDirectory, batch, pet, null, LossKind.Sit, false, fixture.PathFor("diff-sit.safetensors"), settings);
        float all = GradCommand.Grad(fixture.ModelDirectory, batch, pet, null, LossKind.All, false, fixture.PathFor("diff-all.safetensors"), settings);

        Assert.True(Math.Abs(sit - all) > 1e-3, $"sit {sit} and all {all} should differ: 'all' adds the batch's absent classes to the softmax.");
    }

    // Float32 central differences of the command's own loss, perturbing the PET file; the 4 largest-gradient entries
    // of each tensor kind must agree within 2 % relative (+ 5e-5 absolute for float32 rounding of the loss).
    [Theory]
    [InlineData(BothTowers, "sit")]
    [InlineData(ImageTower, "all")]
    public void GradientsMatchFiniteDifferencesOfTheLoss(string spec, string loss)
    {
        string tag = $"{(spec == BothTowers ? "both" : "image")}-{loss}";
        string batch = fixture.WriteBatch($"fd-batch-{tag}.safetensors", 6, Labels, seed: 4);
        var pet = fixture.RandomPet(spec, seed: 9, scale: 0.3);
        string petPath = fixture.PathFor($"fd-pet-{tag}.safetensors");
        pet.Save(petPath);
        var kind = loss == "sit" ? LossKind.Sit : LossKind.All;
        var settings = SessionSettings.Default;
        string grads = fixture.PathFor($"fd-grad-{tag}.safetensors");
        GradCommand.Grad(fixture.ModelDirectory, batch, petPath, null, kind, false, grads, settings);

        const float eps = 1e-2f;
        var checkedEntries = new List<string>();
        foreach (var t in new[] { pet.Layout.Tensors[0], pet.Layout.Tensors[^1] })
        {
            var g = Reference.Read(grads, t.Name + ".grad");
            foreach (int i in Enumerable.Range(0, g.Length).OrderByDescending(i => Math.Abs(g[i])).Take(4))
            {
                double plus = LossWith(pet, t.Name, i, eps, batch, kind, tag, settings);
                double minus = LossWith(pet, t.Name, i, -eps, batch, kind, tag, settings);
                double fd = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(fd - g[i]) <= (2e-2 * Math.Abs(g[i])) + 5e-5, $"{t.Name}[{i}]: gradient {g[i]}, finite difference {fd}");
                checkedEntries.Add($"{t.Name}[{i}]");
            }
        }

        Assert.Equal(8, checkedEntries.Count);
    }

    [Fact]
    public void BadInputsGiveOneErrorNamingFileAndTensor()
    {
        string pet = fixture.WritePet("bad-pet.safetensors", BothTowers, seed: 1, scale: 0.1);
        string output = fixture.PathFor("bad-out.safetensors");
        var settings = SessionSettings.Default;

        string outOfRange = fixture.WriteBatch("bad-label.safetensors", 3, [0, 5], seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => GradCommand.Grad(fixture.ModelDirectory, outOfRange, pet, null, LossKind.Sit, false, output, settings));
        Assert.Contains(outOfRange, e.Message);
        Assert.Contains("'labels'", e.Message);

        string noLabels = fixture.PathFor("bad-nolabels.safetensors");
        var writer = new Onnx.SafeTensors.SafeTensorsWriter();
        var v = fixture.Config.Vision;
        writer.Add("pixel_values", new float[2 * 3 * v.ImageSize * v.ImageSize], 2, 3, v.ImageSize, v.ImageSize);
        writer.Add("input_ids", new long[2 * 16], 2, 16);
        writer.Write(noLabels);
        e = Assert.Throws<InvalidDataException>(() => GradCommand.Grad(fixture.ModelDirectory, noLabels, pet, null, LossKind.Sit, false, output, settings));
        Assert.Contains(noLabels, e.Message);
        Assert.Contains("'labels' is missing", e.Message);

        string badShape = fixture.PathFor("bad-shape.safetensors");
        writer = new Onnx.SafeTensors.SafeTensorsWriter();
        writer.Add("pixel_values", new float[2 * 3 * 16 * 16], 2, 3, 16, 16);
        writer.Add("input_ids", new long[2 * 16], 2, 16);
        writer.Add("labels", new long[2], 2);
        writer.Write(badShape);
        e = Assert.Throws<InvalidDataException>(() => GradCommand.Grad(fixture.ModelDirectory, badShape, pet, null, LossKind.Sit, false, output, settings));
        Assert.Contains(badShape, e.Message);
        Assert.Contains("'pixel_values' has shape [2, 3, 16, 16]", e.Message);

        string batch = fixture.WriteBatch("bad-good-batch.safetensors", 3, [0, 1], seed: 1);
        string otherPet = fixture.WritePet("bad-other-pet.safetensors", "lora:r=4,alpha=8,towers=image,targets=q", seed: 1, scale: 0.1);
        e = Assert.Throws<InvalidDataException>(() => GradCommand.Grad(fixture.ModelDirectory, batch, otherPet, BothTowers, LossKind.Sit, false, output, settings));
        Assert.Contains(otherPet, e.Message);
        Assert.Contains("--pet-spec", e.Message);

        Assert.Equal(CommandErrors.InputError, CliFixture.Invoke("grad", "--model", fixture.ModelDirectory, "--batch", outOfRange, "--pet", pet, "--loss", "sit", "--out", output));
    }

    [PeerFact]
    public void GradMatchesTheLibtorchPeer()
    {
        string batch = fixture.WriteBatch("peer-batch.safetensors", 6, Labels, seed: 5);
        string pet = fixture.WritePet("peer-pet.safetensors", BothTowers, seed: 10, scale: 0.2);
        string ours = fixture.PathFor("peer-ours.safetensors");
        string theirs = fixture.PathFor("peer-theirs.safetensors");
        GradCommand.Grad(fixture.ModelDirectory, batch, pet, null, LossKind.Sit, false, ours, SessionSettings.Default);

        var (code, output) = Peer.Run("grad", "--model", fixture.ModelDirectory, "--batch", batch, "--pet", pet, "--towers", "both", "--proj", "q,v",
            "--rank", "4", "--alpha", "8", "--mode", "sit", "--out", theirs);
        Assert.True(code == 0, output);
        (code, output) = Peer.Run("compare", "--a", ours, "--b", theirs, "--tol", "1e-4");
        Assert.True(code == 0, output);
    }

    private double LossWith(PetParameters pet, string name, int index, float delta, string batch, LossKind kind, string tag, SessionSettings settings)
    {
        float original = pet[name][index];
        pet[name][index] = original + delta;
        string path = fixture.PathFor($"fd-perturbed-{tag}.safetensors");
        pet.Save(path);
        pet[name][index] = original;
        return GradCommand.Grad(fixture.ModelDirectory, batch, path, null, kind, false, fixture.PathFor($"fd-perturbed-out-{tag}.safetensors"), settings);
    }
}
