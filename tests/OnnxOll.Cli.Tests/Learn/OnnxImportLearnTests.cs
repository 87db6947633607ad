using OnnxOll.Clip.Text;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;
using OnnxOll.TestSupport.Runs;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary>SIT-LoRA learn on the micro CLIP's ONNX export (tests/fixtures/onnx, separate vision and text graphs, with the tiny
/// tokenizer added): it runs, resumes bit-exact after a kill, its PEFT adapter has Hugging Face names, and <c>export</c> writes a folder.</summary>
public sealed class OnnxImportLearnTests : IDisposable
{
    private const string Pet = "lora:r=2,alpha=4,towers=both,targets=q+v";
    private readonly TempDirectory root = new();

    public void Dispose() => root.Dispose();

    [Fact]
    public void LearnResumesBitExactAndItsAdapterExports()
    {
        string model = CopyFixture("opset14-dynamic");
        string cache = Path.Combine(root.Path, "cache");
        string[] Args(string run) =>
        [
            "learn", "--model", model, "--data", "synthetic:colours=4,shapes=2,textures=1,train=40,test=4,seed=2",
            "--scenario", "si-blurry:n=50,m=10,tasks=3", "--pet", Pet, "--batch", "8", "--iters", "2", "--lr", "0.01",
            "--eval-every", "0", "--seed", "7", "--out", run, "--threads", "1",
        ];

        string reference = Path.Combine(root.Path, "reference");
        CliProcess.RunToEnd(cache, Args(reference));
        string interrupted = Path.Combine(root.Path, "interrupted");
        using (var child = CliProcess.Start(cache, Args(interrupted)))
        {
            CliProcess.KillAtCheckpoint(child, interrupted, 0, "killed after two checkpoints", checkpoints: 2);
        }

        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        var (expected, actual) = ResumedRun.AssertSameLatest(reference, interrupted, model, Pet, "killed after two checkpoints");
        Assert.Equal(expected.Step, actual.Step);

        Assert.Equal(File.ReadAllLines(Path.Combine(reference, "metrics.jsonl")), File.ReadAllLines(Path.Combine(interrupted, "metrics.jsonl")));

        string adapter = Path.Combine(root.Path, "adapter");
        CliProcess.RunToEnd(cache, "adapter", "--model", model, "--run", reference, "--out", adapter);
        using var file = SafeTensorsFile.Open(Path.Combine(adapter, "adapter_model.safetensors"));
        Assert.Contains(file.Tensors, t => t.Name == "base_model.model.vision_model.encoder.layers.1.self_attn.q_proj.lora_A.weight");
        Assert.Contains(file.Tensors, t => t.Name == "base_model.model.text_model.encoder.layers.0.self_attn.v_proj.lora_B.weight");

        string export = Path.Combine(root.Path, "export");
        CliProcess.RunToEnd(cache, "export", "--model", model, "--run", reference, "--out", export);
        Assert.True(File.Exists(Path.Combine(export, "vocab.json")), "the export did not copy the tokenizer");
    }

    private string CopyFixture(string layout)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx", layout);
        string target = Path.Combine(root.Path, "models", layout);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        TinyVocabulary.Write(target);
        return target;
    }
}
