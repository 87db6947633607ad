using OnnxOll.Cli.Tests.Runs;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>Commands that write a file or a folder refuse a target that would overwrite something else (a model folder, a file given for a
/// folder, a folder given for a file), with one line naming it, and leave every target as it was when they fail.</summary>
[Collection(CliCollection.Name)]
public sealed class OutputTargetTests(CliFixture fixture)
{
    private const string Spec = "lora:r=2,alpha=4,towers=both,targets=q+v";

    [Fact]
    public void ExportAndAdapterRefuseTheModelFolderAndLeaveItUntouched()
    {
        string model = fixture.CopyModel("out-model");
        string pet = fixture.WritePet("out-model-pet.safetensors", Spec, seed: 1, scale: 0.1);
        var before = FolderTree.Hashes(model);
        string hash = ModelHash.Compute(model);

        ErrorLine.AssertInputError(CliFixture.Run("export", "--model", model, "--run", pet, "--out", model), model, "holds no export", "config.json");
        ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", model, "--run", pet, "--out", model), model, "holds no adapter");
        ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", model, "--batch", Batch(), "--out", Path.Combine(model, "embeds.safetensors")),
            "--out", "inside the model folder");

        Assert.Equal(before, FolderTree.Hashes(model));
        Assert.Equal(hash, ModelHash.Compute(model));
    }

    [Fact]
    public void ExportOntoAFileOrAFolderOfAnotherKindIsRefused()
    {
        string pet = fixture.WritePet("out-kind-pet.safetensors", Spec, seed: 2, scale: 0.1);
        string file = fixture.PathFor("out-kind-file");
        File.WriteAllText(file, "keep me");
        string other = fixture.PathFor(Path.Combine("out-kind-other", "notes.txt"));
        File.WriteAllText(other, "keep me too");

        ErrorLine.AssertInputError(CliFixture.Run("export", "--model", fixture.ModelDirectory, "--run", pet, "--out", file), file, "is a file");
        ErrorLine.AssertInputError(CliFixture.Run("export", "--model", fixture.ModelDirectory, "--run", pet, "--out", Path.GetDirectoryName(other)!), "notes.txt");
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.GetDirectoryName(other)!).Select(Path.GetFileName));
    }

    [MountFact]
    public void ExportOntoAFullOrReadOnlyDiskIsOneLineAndLeavesNothingBehind()
    {
        string pet = fixture.WritePet("out-disk-pet.safetensors", Spec, seed: 3, scale: 0.1);
        using var disk = SmallFileSystem.Mount(512);
        string export = Path.Combine(disk.Path, "export");
        string[] args = ["export", "--model", fixture.ModelDirectory, "--run", pet, "--out", export];

        string full = ErrorLine.AssertInputError(CliFixture.Run(args), "No space left on device", export, "nothing was written");
        Assert.DoesNotContain(".tmp-", full, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));

        disk.MakeReadOnly();
        ErrorLine.AssertInputError(CliFixture.Run(args), "Read-only file system", export);
    }

    [MountFact]
    public void FileOutputsOntoAFullOrReadOnlyDiskNameTheFileAndLeaveNoPartOfIt()
    {
        using var disk = SmallFileSystem.Mount(64);
        using (var filler = File.Create(Path.Combine(disk.Path, "filler")))
        {
            var chunk = new byte[4096];
            try
            {
                while (true)
                {
                    filler.Write(chunk);
                    filler.Flush();
                }
            }
            catch (IOException)
            {
                // The disk is full.
            }
        }

        string embeds = Path.Combine(disk.Path, "embeds.safetensors");
        string line = ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", Batch(), "--out", embeds), embeds, "No space left on device");
        Assert.DoesNotContain(".tmp-", line, StringComparison.Ordinal);
        Assert.Equal(["filler"], Directory.GetFileSystemEntries(disk.Path).Select(Path.GetFileName));

        disk.MakeReadOnly();
        string adapter = Path.Combine(disk.Path, "pet.onnx_adapter");
        string pet = fixture.WritePet("out-ro-pet.safetensors", Spec, seed: 8, scale: 0.1);
        line = ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", pet, "--format", "onnx", "--out", adapter), adapter, "Read-only file system");
        Assert.DoesNotContain(".tmp-", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AdapterRefusesMeaninglessCombinationsAndAFolderForAFile()
    {
        string pet = fixture.WritePet("out-adapter-pet.safetensors", Spec, seed: 5, scale: 0.1);
        string folder = fixture.PathFor(Path.Combine("out-adapter-folder", "x"));
        File.WriteAllText(folder, "x");
        folder = Path.GetDirectoryName(folder)!;

        ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", pet, "--format", "peft", "--graph", "vision",
            "--out", fixture.PathFor("out-adapter-peft")), "--graph", "--format onnx");
        ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", pet, "--format", "onnx", "--out", folder),
            folder, "is a folder", ".onnx_adapter");
        Assert.False(Directory.Exists(fixture.PathFor("out-adapter-peft")));
        Assert.Equal(["x"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void InitTinyWritesOnlyANewOrEmptyFolderOrWithForceAnEarlierTinyModel()
    {
        string run = fixture.PathFor(Path.Combine("out-init-run", "run.json"));
        File.WriteAllText(run, "{}");
        string file = fixture.PathFor("out-init-file");
        File.WriteAllText(file, "x");

        ErrorLine.AssertInputError(CliFixture.Run("init-tiny", "--out", Path.GetDirectoryName(run)!, "--seed", "1"), "run.json", "holds no model");
        ErrorLine.AssertInputError(CliFixture.Run("init-tiny", "--out", file, "--seed", "1"), file, "is a file");
        Assert.Equal(["run.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(run)!).Select(Path.GetFileName));

        ErrorLine.AssertInputError(CliFixture.Run("demo", "--out", file), file, "is a file");
        Assert.Equal("x", File.ReadAllText(file));

        // A model folder is replaced only with --force: runs learned on the model would stop matching it.
        string model = fixture.PathFor("out-init-model");
        Assert.Equal(0, CliFixture.Invoke("init-tiny", "--out", model, "--seed", "1"));
        var before = FolderTree.Hashes(model);
        ErrorLine.AssertInputError(CliFixture.Run("init-tiny", "--out", model, "--seed", "2"), model, "holds a model", "--force");
        Assert.Equal(before, FolderTree.Hashes(model));
        Assert.Equal(0, CliFixture.Invoke("init-tiny", "--out", model, "--seed", "2", "--force"));
        Assert.NotEqual(before, FolderTree.Hashes(model));
    }

    [Fact]
    public void LearnResumeOntoAModelFolderIsRefusedAndLeavesNoLockBehind()
    {
        string model = fixture.CopyModel("out-learn-model");
        var before = FolderTree.Hashes(model);
        ErrorLine.AssertInputError(CliFixture.Run("learn", "--model", fixture.ModelDirectory, "--data", "synthetic:colours=2,shapes=1,textures=1,train=4,test=2",
            "--out", model, "--resume", "--threads", "1"), model, "holds no run");
        Assert.Equal(before, FolderTree.Hashes(model));
    }

    [Fact]
    public void EmbedAndGradRefuseAFolderOrAnInputAsTheirOutputFile()
    {
        string batch = Batch();
        string folder = Path.GetDirectoryName(batch)!;
        string pet = fixture.WritePet("out-grad-pet.safetensors", Spec, seed: 6, scale: 0.1);
        var bytes = File.ReadAllBytes(batch);

        ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--out", folder), "--out", "is a folder");
        ErrorLine.AssertInputError(CliFixture.Run("grad", "--model", fixture.ModelDirectory, "--batch", batch, "--pet", pet, "--pet-spec", Spec, "--loss", "sit",
            "--out", batch), "--out", "also an input");
        Assert.Equal(bytes, File.ReadAllBytes(batch));
    }

    private string Batch() => fixture.WriteBatch(Path.Combine("out-batches", "batch.safetensors"), classes: 2, labels: [0, 1], seed: 7);
}
