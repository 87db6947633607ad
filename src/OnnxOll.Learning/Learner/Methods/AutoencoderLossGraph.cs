using Microsoft.ML.OnnxRuntime;
using OnnxOll.Autodiff;
using OnnxOll.Inference;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>The reconstruction loss of a DDAS autoencoder as an ONNX graph, differentiated by OnnxOll's reverse mode and run on
/// ONNX Runtime: for features x [n, P], r = ReLU(x·W1 + b1)·W2 + b2, per-sample error mean_j (r − x)², loss their mean.</summary>
/// <remarks>The official autoencoder ends in a sigmoid over sigmoid-squashed AlexNet features; CLIP's normalised embeddings are
/// signed, so here the decoder is linear and the input the embedding itself.</remarks>
public sealed class AutoencoderLossGraph : IDisposable
{
    /// <summary>Graph input and output names.</summary>
    public const string Features = "features", Loss = "loss", Errors = "errors";

    /// <summary>The trainable tensors in order: encoder weight [P, H] and bias [H], decoder weight [H, P] and bias [P].</summary>
    public static readonly IReadOnlyList<string> Parameters = RoutingAutoencoder.ParameterNames;

    private readonly OnnxSession session;

    /// <summary>Builds the graph for features of width <paramref name="dimension"/> and codes of width <paramref name="hidden"/>.</summary>
    public AutoencoderLossGraph(int dimension, int hidden)
    {
        Dimension = dimension;
        Hidden = hidden;
        Model = Build(dimension, hidden);
        session = SessionFactory.FromModel(Model, new SessionSettings { IntraOpThreads = 1, DeterministicCompute = true });
    }

    /// <summary>Width of a feature.</summary>
    public int Dimension { get; }

    /// <summary>Width of a code.</summary>
    public int Hidden { get; }

    /// <summary>The training model: outputs loss, per-sample errors and <c>&lt;parameter&gt;.grad</c> of every parameter.</summary>
    public ModelProto Model { get; }

    /// <summary>Shapes of <see cref="Parameters"/>, in order.</summary>
    public long[][] Shapes => [[Dimension, Hidden], [Hidden], [Hidden, Dimension], [Dimension]];

    /// <summary>Runs the graph on <paramref name="count"/> features with <paramref name="values"/> (in <see cref="Parameters"/> order):
    /// writes the gradients into <paramref name="gradients"/> and the per-sample errors into <paramref name="errors"/>; returns the loss.</summary>
    public float Run(float[] features, int count, IReadOnlyList<float[]> values, IReadOnlyList<float[]> gradients, Span<float> errors)
    {
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            inputs[Features] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(0, count * Dimension), [count, Dimension]);
            var shapes = Shapes;
            for (int i = 0; i < Parameters.Count; i++)
            {
                inputs[Parameters[i]] = OrtValue.CreateTensorValueFromMemory(values[i], shapes[i]);
            }

            using var outputs = session.Run(inputs);
            var names = session.OutputNames;
            float loss = 0;
            for (int o = 0; o < names.Count; o++)
            {
                var data = outputs[o].GetTensorDataAsSpan<float>();
                int parameter = IndexOfGradient(names[o]);
                if (names[o] == Loss)
                {
                    loss = data[0];
                }
                else if (names[o] == Errors)
                {
                    data.CopyTo(errors);
                }
                else if (parameter >= 0)
                {
                    data.CopyTo(gradients[parameter]);
                }
            }

            return loss;
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();

    /// <summary>The forward graph with its loss and per-sample errors, before differentiation, in <paramref name="type"/> (float or double),
    /// for <paramref name="rows"/> features (negative: any number).</summary>
    public static ModelProto Forward(int dimension, int hidden, DataType type = DataType.Float, long rows = -1)
    {
        Dim n = rows < 0 ? "n" : rows;
        var g = new GraphBuilder("ddas-autoencoder");
        g.Input(Features, type, n, dimension);
        string w1 = g.Input(Parameters[0], type, dimension, hidden);
        string b1 = g.Input(Parameters[1], type, hidden);
        string w2 = g.Input(Parameters[2], type, hidden, dimension);
        string b2 = g.Input(Parameters[3], type, dimension);
        string code = g.Op("Relu", g.Op("Add", g.Op("MatMul", Features, w1), b1));
        string difference = g.Op("Sub", g.Op("Add", g.Op("MatMul", code, w2), b2), Features);
        g.AddNode("ReduceMean", [g.Op("Mul", difference, difference), g.ConstInt64(1)], [Errors], [Attr.Int("keepdims", 0)]);
        g.AddNode("ReduceMean", [Errors], [Loss], [Attr.Int("keepdims", 0)]);
        g.Output(Loss, type, []);
        g.Output(Errors, type, n);
        return g.Model;
    }

    private static ModelProto Build(int dimension, int hidden) => GradientGraph.Build(Forward(dimension, hidden), Loss, Parameters, [Errors]);

    private static int IndexOfGradient(string output)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (output == Parameters[i] + ".grad")
            {
                return i;
            }
        }

        return -1;
    }
}
