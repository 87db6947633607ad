namespace OnnxOll.Learning.Learner;

/// <summary>Which classes the image-to-text softmax of a step ranges over.</summary>
public enum LossKind
{
    /// <summary>Symmetric Image-Text: the distinct labels of the batch only.</summary>
    Sit,

    /// <summary>The baseline: every class seen so far.</summary>
    All,
}
