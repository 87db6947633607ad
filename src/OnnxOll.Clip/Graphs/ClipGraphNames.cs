namespace OnnxOll.Clip.Graphs;

/// <summary>The input and output names of the CLIP graphs.</summary>
public static class ClipGraphNames
{
    /// <summary>Images [B, 3, H, W], already preprocessed.</summary>
    public const string PixelValues = "pixel_values";

    /// <summary>Token ids [C, L], int64.</summary>
    public const string InputIds = "input_ids";

    /// <summary>Projected image embeddings [B, P] (normalised in evaluation graphs).</summary>
    public const string ImageEmbeds = "image_embeds";

    /// <summary>Projected text embeddings [C, P] (normalised in evaluation graphs).</summary>
    public const string TextEmbeds = "text_embeds";

    /// <summary>L2-normalised text embeddings of the visible classes [S, P] (training graph without text PET).</summary>
    public const string TextFeatures = "text_features";

    /// <summary>Each image's class as a position in the visible set [B], int64.</summary>
    public const string Targets = "targets";

    /// <summary>exp(logit_scale) · cosine similarities [B, S].</summary>
    public const string Logits = "logits";

    /// <summary>Mean cross-entropy, a scalar.</summary>
    public const string Loss = "loss";

    /// <summary>The gradient output of PET tensor <paramref name="pet"/>.</summary>
    public static string Gradient(string pet) => pet + ".grad";
}
