namespace OnnxOll.Streams.Scenarios;

/// <summary>How a scenario orders the training samples into tasks.</summary>
public enum ScenarioKind
{
    /// <summary>All samples shuffled, optionally cut into equal tasks; every class may appear anywhere.</summary>
    Iid,

    /// <summary>Class-incremental: classes shuffled and split evenly, each class in exactly one task.</summary>
    Disjoint,

    /// <summary>Si-Blurry (rnd_NM): N % disjoint classes, the rest blurry with M % of their samples leaked, random task sizes.</summary>
    SiBlurry,
}
