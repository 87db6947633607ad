namespace OnnxOll.Clip.Model;

/// <summary>The vision tower's settings (Hugging Face CLIPVisionConfig).</summary>
public sealed record ClipVisionConfig : ClipEncoderConfig
{
    /// <summary>Input image side in pixels (<c>image_size</c>).</summary>
    public required int ImageSize { get; init; }

    /// <summary>Patch side in pixels (<c>patch_size</c>); divides <see cref="ImageSize"/>.</summary>
    public required int PatchSize { get; init; }

    /// <summary>Image channels (<c>num_channels</c>).</summary>
    public int NumChannels { get; init; } = 3;

    /// <summary>Patches per side, image / patch.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Tokens per image: one per patch plus the class token.</summary>
    public int TokenCount => (GridSize * GridSize) + 1;

    /// <inheritdoc/>
    public override string Prefix => "vision_model";
}
