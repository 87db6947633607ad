using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

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
            var store = new CheckpointStore(interrupted);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (store.ListSteps().Count(s => s >= 0) < 2)
            {
                Assert.False(child.HasExited, "the run ended before it was killed");
                Assert.True(DateTime.UtcNow < deadline, "no checkpoints appeared");
                Thread.Sleep(2);
            }

            child.Kill();
            child.WaitForExit();
        }

        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        string hash = ModelHash.Compute(model);
        string spec = PetSpec.Parse(Pet).ToString();
        var expected = new CheckpointStore(reference).LoadLatest(hash, spec).Checkpoint!;
        var actual = new CheckpointStore(interrupted).LoadLatest(hash, spec).Checkpoint!;
        Assert.Equal(expected.Step, actual.Step);
        foreach (var (e, a) in expected.Tensors.Zip(actual.Tensors))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.True(e.Data.AsSpan().SequenceEqual(a.Data), $"PET tensor {e.Name} differs after resume");
        }

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
