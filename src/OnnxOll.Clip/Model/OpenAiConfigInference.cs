using System.Text.RegularExpressions;

namespace OnnxOll.Clip.Model;

/// <summary>Infers the config of an OpenAI-layout checkpoint from its tensor shapes, as OpenAI's <c>clip/model.py</c> <c>build_model</c> does.</summary>
/// <remarks>Widths, layer counts, patch size, image size, context length, vocabulary and embedding width come from the shapes;
/// heads = width / 64 and QuickGELU, as in every OpenAI CLIP; the MLP width is read from <c>mlp.c_fc</c>.</remarks>
public static partial class OpenAiConfigInference
{
    /// <summary>The config of the ViT CLIP whose tensors have <paramref name="shapes"/>; <paramref name="file"/> names the checkpoint in errors.</summary>
    /// <exception cref="InvalidDataException">A tensor the inference needs is missing or mis-shaped, or the image tower is a ResNet.</exception>
    public static ClipConfig Infer(IReadOnlyDictionary<string, long[]> shapes, string file)
    {
        if (shapes.ContainsKey("visual.layer1.0.conv1.weight") || shapes.ContainsKey("visual.attnpool.positional_embedding"))
        {
            throw new InvalidDataException($"{file}: a ResNet image tower (visual.layer1...); only ViT CLIPs are supported.");
        }

        long[] Need(string name, int rank) =>
            shapes.TryGetValue(name, out var s) && s.Length == rank ? s
            : throw new InvalidDataException($"{file}: tensor '{name}' is {(s is null ? "missing" : $"of shape {ClipParameterShapes.Format(s)}")}, "
                + $"expected {rank} dimension(s) to infer the config (or put an {OpenClipConfig.FileName} beside it).");

        var conv = Need("visual.conv1.weight", 4);
        int vWidth = (int)conv[0];
        int patch = (int)conv[3];
        int grid = (int)Math.Round(Math.Sqrt(Need("visual.positional_embedding", 2)[0] - 1));
        int tWidth = (int)Need("ln_final.weight", 1)[0];
        var config = new ClipConfig
        {
            ProjectionDim = (int)Need("text_projection", 2)[1],
            Vision = new ClipVisionConfig
            {
                HiddenSize = vWidth,
                IntermediateSize = (int)Need("visual.transformer.resblocks.0.mlp.c_fc.weight", 2)[0],
                NumHiddenLayers = Layers(shapes, "visual.transformer.resblocks."),
                NumAttentionHeads = Heads(file, "visual.conv1.weight", vWidth),
                ImageSize = grid * patch,
                PatchSize = patch,
            },
            Text = new ClipTextConfig
            {
                HiddenSize = tWidth,
                IntermediateSize = (int)Need("transformer.resblocks.0.mlp.c_fc.weight", 2)[0],
                NumHiddenLayers = Layers(shapes, "transformer.resblocks."),
                NumAttentionHeads = Heads(file, "ln_final.weight", tWidth),
                MaxPositionEmbeddings = (int)Need("positional_embedding", 2)[0],
                VocabSize = (int)Need("token_embedding.weight", 2)[0],
            },
        };
        return ClipConfig.Parse(config.ToJson(), $"{file} (config inferred from the tensor shapes)");
    }

    private static int Heads(string file, string tensor, int width) =>
        width >= 64 && width % 64 == 0 ? width / 64
        : throw new InvalidDataException($"{file}: width {width} (from '{tensor}') is not a multiple of 64, so the heads (width / 64) cannot be inferred; put an {OpenClipConfig.FileName} beside it.");

    private static int Layers(IReadOnlyDictionary<string, long[]> shapes, string prefix) =>
        shapes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => BlockIndex().Match(k[prefix.Length..]))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1)
            .DefaultIfEmpty(0)
            .Max();

    [GeneratedRegex(@"^(\d+)\.")]
    private static partial Regex BlockIndex();
}
