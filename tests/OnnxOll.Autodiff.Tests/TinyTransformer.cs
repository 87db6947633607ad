using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Tests;

/// <summary>A small pre-LN transformer classifier in double precision, with LoRA (graph inputs A, B) on q and v of chosen layers.</summary>
/// <remarks>Per layer: x += o(attn(ln1 x)); x += fc2(quick_gelu(fc1(ln2 x))); then mean-pool, a linear head and mean
/// softmax cross-entropy against integer targets. Linear: y = x Wᵀ + b + s·(x Aᵀ)Bᵀ.</remarks>
public sealed class TinyTransformer
{
    public const int Tokens = 3, Width = 8, Heads = 2, Hidden = 16, Classes = 3, Rank = 2, Layers = 2;
    public const double LoraScale = 0.5;

    private readonly GraphBuilder g = new("tiny_transformer");
    private readonly Random rng = new(7);

    public TinyTransformer(Dim batch, params int[] loraLayers)
    {
        Input = g.Input("x", DataType.Double, batch, Tokens, Width);
        Targets = g.Input("targets", DataType.Int64, batch);
        string h = Input;
        for (int l = 0; l < Layers; l++)
        {
            using (g.Scope($"layer{l}"))
            {
                h = Block(h, l, loraLayers.Contains(l));
            }
        }

        using (g.Scope("head"))
        {
            string pooled = g.Op("ReduceMean", [h, Ints(1)], Attr.Int("keepdims", 0));
            Logits = Linear(pooled, "head", Classes, Width, null);
            Loss = Losses.SoftmaxCrossEntropy(g, Logits, Targets);
        }

        g.Output(Loss, DataType.Double, []);
    }

    public ModelProto Model => g.Model;

    public string Input { get; }

    public string Targets { get; }

    public string Logits { get; }

    public string Loss { get; }

    /// <summary>The LoRA tensors (graph inputs), in creation order.</summary>
    public List<string> Lora { get; } = [];

    private string Block(string x, int layer, bool lora)
    {
        string a = LayerNorm(x, "ln1");
        string q = Linear(a, "q", Width, Width, lora ? $"l{layer}.q" : null);
        string k = Linear(a, "k", Width, Width, null);
        string v = Linear(a, "v", Width, Width, lora ? $"l{layer}.v" : null);
        long dh = Width / Heads;
        string Heads4(string t, long[] perm) => g.Op("Transpose", [g.Op("Reshape", t, Ints(0, 0, Heads, dh))], Attr.Ints("perm", perm));
        string qh = Heads4(q, [0, 2, 1, 3]), kh = Heads4(k, [0, 2, 3, 1]), vh = Heads4(v, [0, 2, 1, 3]);
        string scores = g.Op("Mul", g.Op("MatMul", qh, kh), Scalar(1 / Math.Sqrt(dh)));
        string p = g.Op("Softmax", [scores], Attr.Int("axis", -1));
        string ctx = g.Op("Reshape", g.Op("Transpose", [g.Op("MatMul", p, vh)], Attr.Ints("perm", 0, 2, 1, 3)), Ints(0, 0, Width));
        string h = g.Op("Add", x, Linear(ctx, "o", Width, Width, null));
        string m = LayerNorm(h, "ln2");
        string f = Linear(m, "fc1", Hidden, Width, null);
        string act = g.Op("Mul", f, g.Op("Sigmoid", g.Op("Mul", f, Scalar(1.702))));
        return g.Op("Add", h, Linear(act, "fc2", Width, Hidden, null));
    }

    private string LayerNorm(string x, string name)
    {
        string scale = Weight($"{name}.weight", [Width], 1.0, 0.2);
        string bias = Weight($"{name}.bias", [Width], 0.0, 0.2);
        return g.Op("LayerNormalization", [x, scale, bias], Attr.Int("axis", -1), Attr.Float("epsilon", 1e-5f));
    }

    private string Linear(string x, string name, int outFeatures, int inFeatures, string? lora)
    {
        string w = Weight($"{name}.weight", [outFeatures, inFeatures], 0, 1 / Math.Sqrt(inFeatures));
        string b = Weight($"{name}.bias", [outFeatures], 0, 0.1);
        string y = g.Op("Add", g.Op("MatMul", x, g.Op("Transpose", w)), b);
        if (lora is null)
        {
            return y;
        }

        string la = g.Input($"{lora}.lora_A", DataType.Double, Rank, inFeatures);
        string lb = g.Input($"{lora}.lora_B", DataType.Double, outFeatures, Rank);
        Lora.Add(la);
        Lora.Add(lb);
        string low = g.Op("MatMul", g.Op("MatMul", x, g.Op("Transpose", la)), g.Op("Transpose", lb));
        return g.Op("Add", y, g.Op("Mul", low, Scalar(LoraScale)));
    }

    private string Weight(string name, long[] shape, double mean, double spread)
    {
        string unique = g.UniqueName(name);
        g.Graph.Initializer.Add(Tensors.Create<double>(unique, Draw((int)shape.Aggregate(1L, (p, d) => p * d), mean, spread), shape));
        return unique;
    }

    private double[] Draw(int n, double mean, double spread) =>
        [.. Enumerable.Range(0, n).Select(_ => mean + (spread * ((2 * rng.NextDouble()) - 1)))];

    private string Ints(params long[] values)
    {
        string name = g.UniqueName("ints");
        g.Graph.Initializer.Add(Tensors.Create<long>(name, values, [values.Length]));
        return name;
    }

    private string Scalar(double value)
    {
        string name = g.UniqueName("scalar");
        g.Graph.Initializer.Add(Tensors.Create<double>(name, [value], []));
        return name;
    }
}
