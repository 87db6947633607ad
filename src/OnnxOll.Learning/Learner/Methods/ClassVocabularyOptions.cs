namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Settings of <see cref="ClassVocabularyLearning"/> (the vocabulary half of CoLeCLIP): how far a step moves a class's text offset.</summary>
public sealed record ClassVocabularyOptions
{
    /// <summary>Momentum α of a class with images in the batch: its offset moves the fraction α of the way to where the step took it
    /// (CoLeCLIP's <c>MOM_COEF</c>, 0.5).</summary>
    public float Momentum { get; init; } = 0.5f;

    /// <summary>Momentum of a class the step's softmax ranged over without images in the batch (an old class under the all-seen loss);
    /// 0 keeps it where it is, as CoLeCLIP updates the current task's classes only.</summary>
    public float OldClassMomentum { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field outside [0, 1].</summary>
    public void Validate()
    {
        Check(Momentum, nameof(Momentum));
        Check(OldClassMomentum, nameof(OldClassMomentum));
    }

    private static void Check(float value, string field)
    {
        if (!(value is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(field, value, $"Class-vocabulary option {field} must be in [0, 1], got {value}.");
        }
    }
}
