using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tiny;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Optim;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Pretraining;

/// <summary>Every weight of a CLIP model in managed memory (stored layout) with a gradient buffer each: what full-parameter training updates.</summary>
public sealed class ClipParameterSet
{
    /// <summary>logit_scale never exceeds ln(100), as CLIP clamps it.</summary>
    public static readonly float MaxLogitScale = MathF.Log(100);

    private readonly Dictionary<string, int> index;

    private ClipParameterSet(TrainableWeights layout, float[][] values)
    {
        Layout = layout;
        Values = values;
        Gradients = [.. values.Select(v => new float[v.Length])];
        index = layout.Parameters.Select((p, i) => (p.StoredName, i)).ToDictionary(x => x.StoredName, x => x.i, StringComparer.Ordinal);
        Parameters = [.. layout.Parameters.Select((p, i) => new NamedParameter(p.StoredName, Values[i], Gradients[i]) { Decay = p.HfShape.Length >= 2 })];
    }

    /// <summary>The names and shapes (graph inputs).</summary>
    public TrainableWeights Layout { get; }

    /// <summary>Values per parameter, in <see cref="TrainableWeights.Parameters"/> order.</summary>
    public float[][] Values { get; }

    /// <summary>Gradient buffers, same order.</summary>
    public float[][] Gradients { get; }

    /// <summary>The parameters for AdamW; weight decay only on tensors of 2 or more dimensions (open_clip's rule).</summary>
    public IReadOnlyList<NamedParameter> Parameters { get; }

    /// <summary>Total number of weights.</summary>
    public long Count => Values.Sum(v => (long)v.Length);

    /// <summary>The values of stored tensor <paramref name="storedName"/>.</summary>
    public float[] this[string storedName] => Values[index[storedName]];

    /// <summary>Random weights as open_clip initialises a CLIP: embeddings and blocks normal with width-scaled deviations, LayerNorm 1/0,
    /// biases 0, logit_scale ln(1/0.07); deterministic by seed.</summary>
    public static ClipParameterSet Random(ClipConfig config, int seed)
    {
        var layout = new TrainableWeights(config);
        var random = new Random(seed);
        var values = layout.Parameters.Select(p => Initial(p, config, random)).ToArray();
        return new ClipParameterSet(layout, values);
    }

    /// <summary>Clamps logit_scale to [0, ln 100] after an update.</summary>
    public void ClampLogitScale()
    {
        var s = this["logit_scale"];
        s[0] = Math.Clamp(s[0], 0f, MaxLogitScale);
    }

    /// <summary>The tensors under their stored names (for checkpoints).</summary>
    public IReadOnlyList<NamedTensor> ToTensors() =>
        [.. Layout.Parameters.Select((p, i) => new NamedTensor(p.StoredName, Values[i], p.StoredShape))];

    /// <summary>Overwrites every value from checkpoint tensors; each must be present with its exact shape.</summary>
    public void Load(IReadOnlyList<NamedTensor> tensors, string where)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (p, i) in Layout.Parameters.Select((p, i) => (p, i)))
        {
            if (!byName.TryGetValue(p.StoredName, out var t) || t.Data.Length != Values[i].Length)
            {
                throw new InvalidDataException($"{where}: tensor '{p.StoredName}' is missing or not of shape {ClipParameterShapes.Format(p.StoredShape)}.");
            }

            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(t.Data))
            {
                throw new InvalidDataException($"{where}: tensor '{p.StoredName}' holds NaN or infinite values.");
            }

            t.Data.CopyTo(Values[i], 0);
        }
    }

    /// <summary>Writes the weights as a Hugging Face <c>model.safetensors</c> (Hugging Face names, [out, in] linear weights).</summary>
    public void WriteHuggingFace(string path)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        foreach (var (p, i) in Layout.Parameters.Select((p, i) => (p, i)))
        {
            writer.Add(p.HfName, ClipStoredLayout.ToHuggingFace(p.HfName, Values[i], p.HfShape), p.HfShape);
        }

        AtomicFile.Write(path, writer.Write);
    }

    private static float[] Initial(StoredTensor p, ClipConfig config, Random random)
    {
        var data = new float[p.Length];
        string name = p.HfName;
        if (name == "logit_scale")
        {
            data[0] = (float)Math.Log(1 / 0.07);
        }
        else if (name.EndsWith(".bias", StringComparison.Ordinal))
        {
            return data;
        }
        else if (p.HfShape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal))
        {
            Array.Fill(data, 1f);
        }
        else
        {
            NormalFill.Fill(random, data, Deviation(name, config));
        }

        return ClipStoredLayout.ToStored(name, data, p.HfShape);
    }

    /// <summary>open_clip's deviations: attention inputs width^-½, output projections width^-½ (2·layers)^-½, fc1 (2·width)^-½,
    /// token embedding 0.02, text positions 0.01, vision class/positions/projections width^-½, patch embedding (C·P²)^-½.</summary>
    private static double Deviation(string name, ClipConfig config)
    {
        bool text = name.StartsWith("text_model.", StringComparison.Ordinal) || name == "text_projection.weight";
        ClipEncoderConfig tower = text ? config.Text : config.Vision;
        double width = tower.HiddenSize, projection = Math.Pow(width, -0.5) * Math.Pow(2.0 * tower.NumHiddenLayers, -0.5);
        return name switch
        {
            "text_model.embeddings.token_embedding.weight" => 0.02,
            "text_model.embeddings.position_embedding.weight" => 0.01,
            "vision_model.embeddings.patch_embedding.weight" => Math.Pow(config.Vision.NumChannels * config.Vision.PatchSize * config.Vision.PatchSize, -0.5),
            _ when name.EndsWith("out_proj.weight", StringComparison.Ordinal) || name.EndsWith("fc2.weight", StringComparison.Ordinal) => projection,
            _ when name.EndsWith("fc1.weight", StringComparison.Ordinal) => Math.Pow(2 * width, -0.5),
            _ => Math.Pow(width, -0.5),
        };
    }
}
