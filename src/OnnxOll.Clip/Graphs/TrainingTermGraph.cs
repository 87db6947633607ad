using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>What a <see cref="TrainingLossTerm"/> may read and declare in the training graph: the batch's normalised embeddings,
/// logits, targets and PET tensors, and inputs of its own (fed at every step).</summary>
public sealed class TrainingTermGraph
{
    private readonly ClipGraphContext context;
    private readonly List<string> inputs = [];

    internal TrainingTermGraph(ClipGraphContext context, string imageEmbeds, string textEmbeds, string logits, string targets, string scale)
    {
        this.context = context;
        Scale = scale;
        ImageEmbeds = imageEmbeds;
        TextEmbeds = textEmbeds;
        Logits = logits;
        Targets = targets;
    }

    /// <summary>The graph being built (emit nodes with <see cref="GraphBuilder.Op(string, string[])"/>).</summary>
    public GraphBuilder Graph => context.G;

    /// <summary>The element type of every float value (float64 in finite-difference checks).</summary>
    public TensorProto.Types.DataType ElementType => context.Type;

    /// <summary>L2-normalised image embeddings [B, P] of the batch, with PET.</summary>
    public string ImageEmbeds { get; }

    /// <summary>L2-normalised text embeddings [S, P] of the visible classes.</summary>
    public string TextEmbeds { get; }

    /// <summary>Logits [B, S] of the batch over the visible classes.</summary>
    public string Logits { get; }

    /// <summary>exp(logit_scale), the frozen temperature's inverse (a scalar).</summary>
    public string Scale { get; }

    /// <summary>Width P of the embeddings.</summary>
    public int Dimension => context.Config.ProjectionDim;

    /// <summary>Each image's position [B] (int64) in the visible classes.</summary>
    public string Targets { get; }

    /// <summary>Inputs the terms declared, in order; the training step feeds each at every step.</summary>
    public IReadOnlyList<string> DeclaredInputs => inputs;

    /// <summary>The PET tensor <paramref name="name"/> (a graph input the gradients are taken for).</summary>
    public string Pet(string name) => context.PetInput(name);

    /// <summary>Declares an input of the element type; symbolic dimensions are named strings.</summary>
    public string Input(string name, params Dim[] dims)
    {
        inputs.Add(name);
        return context.G.Input(name, context.Type, dims);
    }

    /// <summary>A scalar constant of the element type.</summary>
    public string Scalar(double value) => context.Scalar(value);

    /// <summary>A 1-D int64 constant (axes, shapes).</summary>
    public string Ints(params long[] values) => context.Ints(values);
}
