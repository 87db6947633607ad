namespace OnnxOll.Cli.Tests.Errors;

/// <summary>Options that name something of the wrong kind (a folder for a file, a file for a folder, a filter matching nothing) are
/// refused naming the option the user typed.</summary>
[Collection(CliCollection.Name)]
public sealed class OptionTargetTests(CliFixture fixture)
{
    [Fact]
    public void GradcheckWithAnOpThatMatchesNoCaseIsAnErrorNotAnEmptyPass()
    {
        ErrorLine.AssertInputError(CliFixture.Run("gradcheck", "--op", "NoSuchOp"), "--op 'NoSuchOp'", "no gradient check case matches", "LayerNormalization");
    }

    [Fact]
    public void ExportClassesWithoutAnyNameNamesTheClassesOption()
    {
        string pet = fixture.WritePet("option-classes.safetensors", "lora:r=2,alpha=4,towers=image,targets=q", seed: 1, scale: 0.1);
        string line = ErrorLine.AssertInputError(CliFixture.Run("export", "--model", fixture.ModelDirectory, "--run", pet, "--classes", ",,",
            "--out", fixture.PathFor("option-classes-export")), "--classes ',,'");
        Assert.DoesNotContain("--labels", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExportGivenAsARunSaysWhatToGiveInstead()
    {
        string pet = fixture.WritePet("option-export-pet.safetensors", "lora:r=2,alpha=4,towers=image,targets=q", seed: 2, scale: 0.1);
        string export = fixture.PathFor("option-export");
        Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--run", pet, "--out", export));
        ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", export, "--out", fixture.PathFor("option-export-adapter")),
            "it is an export folder", Path.Combine(export, "pet.safetensors"), "--export");
    }

    [Fact]
    public void FoldersAndFilesGivenForEachOtherAreNamed()
    {
        string folder = Path.GetDirectoryName(fixture.PathFor(Path.Combine("option-folder", "x")))!;
        Directory.CreateDirectory(folder);
        string file = fixture.PathFor("option-file.txt");
        File.WriteAllText(file, "x");

        ErrorLine.AssertInputError(CliFixture.Run("eval", "--model", fixture.ModelDirectory, "--pet", "none", "--data", "synthetic:train=4,test=2", "--out", folder),
            "--out", folder, "is a folder");
        ErrorLine.AssertInputError(CliFixture.Run("predict", "--model", fixture.ModelDirectory, "--image", folder, "--labels", "a,b"), folder, "is a folder");
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", folder, "--model", fixture.ModelDirectory, "--out", fixture.PathFor("option-results.md"),
            "--plots", file), "--plots", file, "is a file");
        ErrorLine.AssertInputError(CliFixture.Run("bench", "--tiny", "--models", file), "--models", file, "is a file");
        ErrorLine.AssertInputError(CliFixture.Run("bench", "--tiny", "--out", folder), "--out", folder, "is a folder");
        Assert.Equal("x", File.ReadAllText(file));
    }
}
