namespace OnnxOll.Clip.Imaging;

/// <summary>Settings of a <see cref="ClipImagePreprocessor"/>: output size and per-channel normalisation (OpenAI CLIP's by default).</summary>
public sealed class ClipImagePreprocessorOptions
{
    /// <summary>Side of the square output (CLIP ViT-B/32: 224).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Length the shortest side is resized to before the centre crop (Hugging Face <c>size.shortest_edge</c>); null: <see cref="ImageSize"/>.</summary>
    public int? ResizeShortestEdge { get; init; }

    /// <summary>Per-channel RGB mean subtracted after scaling to [0, 1].</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>Per-channel RGB standard deviation divided by after subtracting the mean.</summary>
    public IReadOnlyList<float> Std { get; init; } = [0.26862954f, 0.26130258f, 0.27577711f];
}
