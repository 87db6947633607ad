namespace OnnxOll.Learning.Learner;

/// <summary>Inputs and outputs of the training graph's optional loss terms for one step (see <see cref="OnnxOll.Clip.Graphs.ClipTrainingOptions"/>).</summary>
public sealed class StepTerms
{
    /// <summary>Text offsets of the visible classes [S, P], filled before each step; grows with the visible set.</summary>
    public float[] Offsets { get; set; } = [];

    /// <summary>The offsets' gradients [S, P], filled by each step.</summary>
    public float[] OffsetGradients { get; set; } = [];

    /// <summary>Values of the inputs declared by plugins' loss terms (<see cref="OnnxOll.Clip.Graphs.ClipTrainingOptions.LossTerms"/>).</summary>
    public LossTermInputs Inputs { get; set; } = new();

    /// <summary>Makes <see cref="Offsets"/> and <see cref="OffsetGradients"/> hold at least <paramref name="length"/> floats.</summary>
    public void EnsureOffsetCapacity(int length)
    {
        if (Offsets.Length < length)
        {
            Offsets = new float[Math.Max(length, Offsets.Length * 2)];
            OffsetGradients = new float[Offsets.Length];
        }
    }
}
