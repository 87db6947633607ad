namespace OnnxOll.Learning.Learner;

/// <summary>The defaults of <c>learn</c>, chosen on validation images of both CIFAR-100 regimes (docs/learner-defaults.md): learned
/// per-class text offsets mixed with prototype logits; the PET tensors stay as they start (every PET step measured cost accuracy).</summary>
public static class LearnDefaults
{
    /// <summary>LoRA r=4 on the fused q,k,v and the output projection of every block of both towers.</summary>
    public const string Pet = "lora:r=4,alpha=1,towers=both,layers=all,targets=qkv+o";

    /// <summary>AdamW learning rate of the PET tensors (0: they stay as they start; LoRA's B starts at zero, so the backbone is untouched).</summary>
    public const float LearningRate = 0f;

    /// <summary>Weight of the prototype logits mixed with the text logits.</summary>
    public const float PrototypeWeight = 0.7f;

    /// <summary>Weight of the all-seen term mixed into SIT (off: it moved old classes' offsets away from new images).</summary>
    public const float SeenWeight = 0f;

    /// <summary>Adam learning rate of the per-class text offsets.</summary>
    public const float TextOffsetLearningRate = 1e-2f;
}
