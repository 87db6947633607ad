using OnnxOll.Clip.Model;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Tiny;

/// <summary>Writes a random CLIP model as a Hugging Face folder: config.json, model.safetensors, vocab.json and merges.txt.</summary>
/// <remarks>Weights and embeddings ~ N(0, 0.02), biases 0, LayerNorm weights 1, logit_scale ln(1/0.07); deterministic by seed.
/// Every shape uses the tiny tokenizer files of <see cref="TinyVocabulary"/>; only the tiny shape sizes its vocabulary to them.</remarks>
public static class TinyClip
{
    /// <summary>The config of a shape.</summary>
    public static ClipConfig Config(TinyShape shape) => shape switch
    {
        TinyShape.Tiny => new ClipConfig
        {
            ProjectionDim = 32,
            LogitScaleInitValue = Math.Log(1 / 0.07),
            Vision = new ClipVisionConfig { HiddenSize = 64, IntermediateSize = 256, NumHiddenLayers = 2, NumAttentionHeads = 4, ImageSize = 32, PatchSize = 8 },
            Text = new ClipTextConfig
            {
                HiddenSize = 64,
                IntermediateSize = 256,
                NumHiddenLayers = 2,
                NumAttentionHeads = 4,
                MaxPositionEmbeddings = 16,
                VocabSize = TinyVocabulary.VocabSize,
                EosTokenId = TinyVocabulary.EndOfTextId,
            },
        },
        _ => new ClipConfig
        {
            ProjectionDim = 512,
            LogitScaleInitValue = Math.Log(1 / 0.07),
            Vision = new ClipVisionConfig
            {
                HiddenSize = 768,
                IntermediateSize = 3072,
                NumHiddenLayers = 12,
                NumAttentionHeads = 12,
                ImageSize = 224,
                PatchSize = shape == TinyShape.B16 ? 16 : 32,
            },
            Text = new ClipTextConfig
            {
                HiddenSize = 512,
                IntermediateSize = 2048,
                NumHiddenLayers = 12,
                NumAttentionHeads = 8,
                MaxPositionEmbeddings = 77,
                VocabSize = 49408,
                EosTokenId = 2,
            },
        },
    };

    /// <summary>Writes the folder <paramref name="directory"/> (created if needed) and returns its config.</summary>
    public static ClipConfig Write(string directory, int seed, TinyShape shape = TinyShape.Tiny)
    {
        Directory.CreateDirectory(directory);
        var config = Config(shape);
        config.Save(Path.Combine(directory, ClipConfig.FileName));
        var random = new Random(seed);
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        foreach (var (name, dims) in ClipParameterShapes.For(config))
        {
            var data = new float[dims.Aggregate(1L, (a, b) => a * b)];
            if (name == "logit_scale")
            {
                data[0] = (float)Math.Log(1 / 0.07);
            }
            else if (dims.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal))
            {
                Array.Fill(data, 1f);
            }
            else if (!name.EndsWith(".bias", StringComparison.Ordinal))
            {
                NormalFill.Fill(random, data, 0.02);
            }

            writer.Add(name, data, dims);
        }

        writer.Write(Path.Combine(directory, ClipWeights.FileName));
        TinyVocabulary.Write(directory);
        return config;
    }
}
