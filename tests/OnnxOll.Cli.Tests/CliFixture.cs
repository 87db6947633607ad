using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Cli.Tests;

/// <summary>A tiny random CLIP folder, a private model cache and helpers to write batch and PET files, shared by one test class.</summary>
public sealed class CliFixture : IDisposable
{
    private readonly TinyModelFolder model;

    public CliFixture()
    {
        model = new TinyModelFolder(seed: 3);
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Root, "cache"));
        using var weights = ClipWeights.Open(ModelDirectory);
        LogitScale = weights.LogitScale;
    }

    public string Root => model.Root;

    /// <summary>The model folder; batch and PET files go elsewhere (the model hash covers every *.safetensors of the folder).</summary>
    public string ModelDirectory => model.ModelDirectory;

    public ClipConfig Config => model.Config;

    public float LogitScale { get; }

    public string PathFor(string name) => model.File(Path.Combine("files", name));

    /// <summary>Runs the <c>onnxoll</c> command line in process and returns its exit code.</summary>
    public static int Invoke(params string[] args) => OnnxOllCli.Invoke(args);

    /// <summary>Runs the command line in process; returns the exit code and what it wrote to stderr.</summary>
    public static (int Exit, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int exit = OnnxOllCli.Invoke(args, error);
        return (exit, error.ToString());
    }

    /// <summary>A copy of the model folder that a test may damage.</summary>
    public string CopyModel(string name)
    {
        string target = PathFor(Path.Combine("models", name, "x"));
        target = Path.GetDirectoryName(target)!;
        foreach (var file in Directory.GetFiles(ModelDirectory))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }

    /// <summary>Writes a batch: random pixels [B,3,H,W], random prompts [C,L] ending in EOS, and <paramref name="labels"/>.</summary>
    public string WriteBatch(string name, int classes, long[] labels, int seed)
    {
        var random = new Random(seed);
        var v = Config.Vision;
        int length = Config.Text.MaxPositionEmbeddings;
        var pixels = new float[labels.Length * v.NumChannels * v.ImageSize * v.ImageSize];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((random.NextDouble() * 4) - 2);
        }

        var ids = new long[classes * length];
        for (int c = 0; c < classes; c++)
        {
            int eos = 3 + random.Next(length - 4);
            ids[c * length] = TinyVocabulary.StartOfTextId;
            for (int t = 1; t < eos; t++)
            {
                ids[(c * length) + t] = 1 + random.Next(600);
            }

            ids[(c * length) + eos] = TinyVocabulary.EndOfTextId;
        }

        var writer = new SafeTensorsWriter();
        writer.Add("pixel_values", pixels, labels.Length, v.NumChannels, v.ImageSize, v.ImageSize);
        writer.Add("input_ids", ids, classes, length);
        writer.Add("labels", labels, labels.Length);
        string path = PathFor(name);
        writer.Write(path);
        return path;
    }

    /// <summary>Writes PET tensors of <paramref name="spec"/> drawn uniformly from ±<paramref name="scale"/> (all non-zero).</summary>
    public string WritePet(string name, string spec, int seed, double scale)
    {
        var pet = RandomPet(spec, seed, scale);
        string path = PathFor(name);
        pet.Save(path);
        return path;
    }

    public PetParameters RandomPet(string spec, int seed, double scale) => TestSupport.Models.RandomPet.Create(Config, spec, scale, seed);

    public void Dispose() => model.Dispose();
}
