using System.Buffers.Binary;
using System.Security.Cryptography;
using OnnxOll.Cli.Tests.Runs;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>NaN or an infinity in model weights, PET files, batch files or checkpoints is refused at load, naming the file and tensor.</summary>
[Collection(CliCollection.Name)]
public sealed class NonFiniteTests(CliFixture fixture)
{
    private const string Spec = "lora:r=4,alpha=8,towers=both,targets=q+v";

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void PetFileWithNonFiniteValueIsRefused(float value)
    {
        string pet = fixture.WritePet($"nonfinite-{value}.safetensors", Spec, seed: 4, scale: 0.1);
        string tensor = Poison(pet, value);
        string image = fixture.PathFor("nonfinite.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 5);
        ErrorLine.AssertInputError(
            CliFixture.Run("predict", "--model", fixture.ModelDirectory, "--pet", pet, "--image", image, "--labels", "a,b", "--threads", "1"), pet, tensor);
        string batch = fixture.WriteBatch("nonfinite-batch.safetensors", 2, [0, 1], seed: 6);
        ErrorLine.AssertInputError(
            CliFixture.Run("grad", "--model", fixture.ModelDirectory, "--batch", batch, "--pet", pet, "--loss", "sit", "--out", fixture.PathFor("nonfinite-grad.safetensors"), "--threads", "1"),
            pet, tensor);
    }

    [Fact]
    public void BatchFileWithNaNPixelsIsRefused()
    {
        string batch = fixture.WriteBatch("nan-pixels.safetensors", 2, [0, 1], seed: 7);
        Poison(batch, float.NaN, "pixel_values");
        ErrorLine.AssertInputError(
            CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--out", fixture.PathFor("nan-embeds.safetensors"), "--threads", "1"), batch, "pixel_values");
    }

    [Fact]
    public void ModelWeightsWithNaNAreRefused()
    {
        string model = fixture.CopyModel("nan-weights");
        string weights = Path.Combine(model, "model.safetensors");
        string tensor = Poison(weights, float.NaN, "text_model.final_layer_norm.weight");
        string image = fixture.PathFor("nan-weights.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 5);
        string previous = Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable)!;
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, fixture.PathFor("nan-weights-cache"));
        try
        {
            ErrorLine.AssertInputError(CliFixture.Run("predict", "--model", model, "--image", image, "--labels", "a,b", "--threads", "1"), weights, tensor);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, previous);
        }
    }

    [Fact]
    public void CheckpointWithNaNIsSkippedEvenWithMatchingChecksums()
    {
        string reference = fixture.PathFor("nonfinite/reference");
        LearnRun.Complete(fixture.ModelDirectory, reference);
        string run = Manifests.Copy(reference, fixture.PathFor("nonfinite/run"));
        Manifests.MarkUnfinished(run);
        string manifest = Manifests.Newest(run);
        string tensors = Path.ChangeExtension(manifest, ".safetensors");
        string tensor = Poison(tensors, float.NaN);
        Manifests.Edit(manifest, json => json["tensors_sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tensors))), resign: true);

        LearnRun.Complete(fixture.ModelDirectory, run, "--resume");

        Assert.True(File.Exists(manifest + CheckpointStore.RejectedSuffix));
        Assert.Equal(File.ReadAllBytes(Path.ChangeExtension(Manifests.Newest(reference), ".safetensors")), File.ReadAllBytes(tensors));
        Assert.NotEmpty(tensor);
    }

    /// <summary>Overwrites the first element of a float32 tensor (the first one when not named) in place; returns its name.</summary>
    private static string Poison(string path, float value, string? name = null)
    {
        long offset;
        using (var file = SafeTensorsFile.Open(path))
        {
            var info = name is null ? file.Tensors.First(t => t.DType == SafeTensorDType.F32) : file.Get(name);
            name = info.Name;
            offset = file.DataStart + info.Begin;
        }

        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)offset, 4), value);
        File.WriteAllBytes(path, bytes);
        return name;
    }
}
