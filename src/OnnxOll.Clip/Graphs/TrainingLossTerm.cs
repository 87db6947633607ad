namespace OnnxOll.Clip.Graphs;

/// <summary>A scalar loss term joined to the SIT training graph before autodiff, so its gradient reaches the PET tensors
/// through OnnxOll's own differentiation (e.g. an L2 pull toward an anchor, distillation to the frozen model's logits).</summary>
public abstract class TrainingLossTerm
{
    /// <summary>Names the term and its hyper-parameters; part of the training graph's cache key, so two terms that build
    /// different nodes must have different keys.</summary>
    public abstract string Key { get; }

    /// <summary>Emits the term's nodes into <paramref name="graph"/> and returns the name of its scalar, already weighted;
    /// the graph adds it to the loss.</summary>
    public abstract string Build(TrainingTermGraph graph);
}
