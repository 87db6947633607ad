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

    /// <summary>Additive mask over the visible classes [S]: 0 for the batch's classes, a large negative value otherwise (the SIT term
    /// of a graph with an all-seen term).</summary>
    public const string BatchClassMask = "batch_class_mask";

    /// <summary>L2-normalised frozen text embeddings of the distillation's reference vocabulary [R, P].</summary>
    public const string ReferenceText = "reference_text";

    /// <summary>The frozen model's probabilities over the reference vocabulary for each image [B, R].</summary>
    public const string TeacherProbabilities = "teacher_probs";

    /// <summary>Learned offsets of the visible classes' normalised text features [S, P].</summary>
    public const string TextOffset = "text_offset";

    /// <summary>The gradient output of PET tensor <paramref name="pet"/>.</summary>
    public static string Gradient(string pet) => pet + ".grad";
}
