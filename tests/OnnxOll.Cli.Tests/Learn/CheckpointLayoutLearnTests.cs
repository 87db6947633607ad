using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Cli.Tests.Runs;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary>learn and adapter on the micro CLIP's open_clip and OpenAI checkpoints (tests/fixtures/torch), with the tiny tokenizer added.</summary>
[Collection(CliCollection.Name)]
public sealed class CheckpointLayoutLearnTests(CliFixture fixture)
{
    [Theory]
    [InlineData("open_clip")]
    [InlineData("openai")]
    public void SitLoraLearnsAndItsPeftAdapterUsesHuggingFaceNames(string layout)
    {
        string model = CopyFixture(layout, withTokenizer: true);
        string run = fixture.PathFor($"runs/layout-{layout}");
        LearnRun.Complete(model, run);
        string adapter = fixture.PathFor($"adapters/layout-{layout}");
        var (exit, error) = CliFixture.Run("adapter", "--model", model, "--run", run, "--out", adapter);
        Assert.True(exit == 0, error);
        using var file = SafeTensorsFile.Open(Path.Combine(adapter, "adapter_model.safetensors"));
        Assert.Contains(file.Tensors, t => t.Name == "base_model.model.vision_model.encoder.layers.1.self_attn.q_proj.lora_A.weight");
    }

    [Fact]
    public void AFolderWithoutTokenizerFilesSaysSo()
    {
        string model = CopyFixture("open_clip", withTokenizer: false);
        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(model, fixture.PathFor("runs/layout-no-tokenizer"))), "vocab.json");
    }

    private string CopyFixture(string layout, bool withTokenizer)
    {
        string target = fixture.PathFor($"models/layout-{layout}-{(withTokenizer ? "tok" : "bare")}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "torch", layout)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        if (withTokenizer)
        {
            TinyVocabulary.Write(target);
        }

        return target;
    }
}
