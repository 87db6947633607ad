namespace OnnxOll.Clip.Tiny;

/// <summary>The sizes of a generated random CLIP model.</summary>
public enum TinyShape
{
    /// <summary>Vision 64 wide/2 layers/4 heads/image 32/patch 8/MLP 256; text 64/2/4/16 positions/MLP 256, tiny vocabulary; projection 32.</summary>
    Tiny,

    /// <summary>ViT-B/32 sizes as openai/clip-vit-base-patch32 (eos_token_id 2, the legacy argmax pooling).</summary>
    B32,

    /// <summary>ViT-B/16 sizes as openai/clip-vit-base-patch16.</summary>
    B16,
}
