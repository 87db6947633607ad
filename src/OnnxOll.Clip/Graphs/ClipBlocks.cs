using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>Emits the building blocks of CLIP's towers: linear (+ LoRA), LayerNorm, activations, pre-LN encoder layers (+ adapters), L2 norm.</summary>
internal static class ClipBlocks
{
    /// <summary>Deepest contraction one frozen-weight product gets: ONNX Runtime's CPU GEMM ran a [500, 3072]·[3072, 768]
    /// product ~25 % slower than two of depth 1536 on the 2-core benchmark machine.</summary>
    private const long MaxGemmDepth = 2048;

    /// <summary>y = x Wᵀ + b (W stored pre-transposed), plus (alpha/r)(x Aᵀ)Bᵀ when the layout has LoRA on this linear.</summary>
    public static string Linear(ClipGraphContext c, string x, string linear)
    {
        var g = c.G;
        string y = Project(c, x, FrozenWeights.Transposed(linear + ".weight"), c.Weight(linear + ".bias"));
        return c.Pet?.Lora(linear) is { } site ? g.Op("Add", y, LoraDelta(c, x, site)) : y;
    }

    /// <summary>x · W (+ bias) for a frozen W [K, N]; a K deeper than <see cref="MaxGemmDepth"/> is cut into near-equal slices,
    /// x · W = Σₛ xₛ · Wₛ, with the bias added to the first slice's product so ONNX Runtime can fuse it into a Gemm.</summary>
    public static string Project(ClipGraphContext c, string x, string weight, string? bias = null)
    {
        var g = c.G;
        if (c.Quantized(weight) is { } q)
        {
            return Int8Product(c, x, [q], bias);
        }

        string w = c.Weight(weight);
        long depth = c.WeightShape(weight)[0];
        int parts = (int)((depth + MaxGemmDepth - 1) / MaxGemmDepth);
        if (parts <= 1)
        {
            string product = g.Op("MatMul", x, w);
            return bias is null ? product : g.Op("Add", product, bias);
        }

        long[] sizes = [.. Enumerable.Range(0, parts).Select(i => (depth / parts) + (i < depth % parts ? 1 : 0))];
        string[] xs = g.Op("Split", [x, c.Ints(sizes)], parts, Attr.Int("axis", -1));
        string[] ws = g.Op("Split", [w, c.Ints(sizes)], parts, Attr.Int("axis", 0));
        string sum = g.Op("MatMul", xs[0], ws[0]);
        if (bias is not null)
        {
            sum = g.Op("Add", sum, bias);
        }

        for (int i = 1; i < parts; i++)
        {
            sum = g.Op("Add", sum, g.Op("MatMul", xs[i], ws[i]));
        }

        return sum;
    }

    /// <summary>x · [W₁ W₂ …] + bias for frozen weights concatenated along their output columns (q, k and v as one product).</summary>
    public static string ProjectConcatenated(ClipGraphContext c, string x, string[] weights, string bias)
    {
        var g = c.G;
        var quantized = weights.Select(c.Quantized).ToArray();
        if (quantized.All(q => q is not null))
        {
            return Int8Product(c, x, [.. quantized.Select(q => q!.Value)], bias);
        }

        string w = g.Op("Concat", [.. weights.Select(c.Weight)], Attr.Int("axis", 1));
        return g.Op("Add", g.Op("MatMul", x, w), bias);
    }

    /// <summary>x · dequant(W) (+ bias) on int8: ONNX Runtime's DynamicQuantizeMatMul quantizes x per tensor at run time and
    /// multiplies by the int8 weights (concatenated along columns when several) with per-column scales.</summary>
    private static string Int8Product(ClipGraphContext c, string x, (string Weight, string Scale)[] parts, string? bias)
    {
        var g = c.G;
        string w = parts.Length == 1 ? parts[0].Weight : g.Op("Concat", [.. parts.Select(p => p.Weight)], Attr.Int("axis", 1));
        string scale = parts.Length == 1 ? parts[0].Scale : g.Op("Concat", [.. parts.Select(p => p.Scale)], Attr.Int("axis", 0));
        return bias is null
            ? g.DomainOp(OnnxOpset.Microsoft, "DynamicQuantizeMatMul", x, w, scale)
            : g.DomainOp(OnnxOpset.Microsoft, "DynamicQuantizeMatMul", x, w, scale, "", bias);
    }

    /// <summary>(alpha/r) · (x Aᵀ) Bᵀ.</summary>
    public static string LoraDelta(ClipGraphContext c, string x, Pet.LoraSite site)
    {
        var g = c.G;
        string xa = g.Op("MatMul", x, g.Op("Transpose", [c.PetInput(site.A)], Attr.Ints("perm", 1, 0)));
        string delta = g.Op("MatMul", xa, g.Op("Transpose", [c.PetInput(site.B)], Attr.Ints("perm", 1, 0)));
        return g.Op("Mul", delta, c.Scalar(site.Scale));
    }

    public static string LayerNorm(ClipGraphContext c, string x, string name, double eps) =>
        c.G.Op("LayerNormalization", [x, c.Weight(name + ".weight"), c.Weight(name + ".bias")],
            Attr.Int("axis", -1), Attr.Float("epsilon", (float)eps));

    public static string Activation(ClipGraphContext c, string x, ClipActivation act)
    {
        var g = c.G;
        switch (act)
        {
            case ClipActivation.QuickGelu when c.Differentiated && !c.IsDouble:
                // ONNX Runtime's fused kernel; its gradient rule keeps only x (the composed form would also keep σ(1.702 x)).
                return g.DomainOp(OnnxOpset.Microsoft, "QuickGelu", [x], Attr.Float("alpha", 1.702f));
            case ClipActivation.QuickGelu:
                return g.Op("Mul", x, g.Op("Sigmoid", g.Op("Mul", x, c.Scalar(1.702))));
            case ClipActivation.Relu:
                return g.Op("Relu", x);
            case ClipActivation.Gelu:
                // 0.5 x (1 + erf(x / √2)); ORT has no float64 Erf, so a float64 graph takes erf in float32.
                string scaled = g.Op("Mul", x, c.Scalar(1 / Math.Sqrt(2)));
                string erf = c.IsDouble
                    ? c.Cast(g.Op("Erf", c.Cast(scaled, TensorProto.Types.DataType.Float)), TensorProto.Types.DataType.Double)
                    : g.Op("Erf", scaled);
                return g.Op("Mul", g.Op("Mul", x, c.Scalar(0.5)), g.Op("Add", erf, c.Scalar(1)));
            default:
                // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
                string cube = g.Op("Mul", g.Op("Mul", x, x), x);
                string inner = g.Op("Mul", g.Op("Add", x, g.Op("Mul", cube, c.Scalar(0.044715))), c.Scalar(Math.Sqrt(2 / Math.PI)));
                return g.Op("Mul", g.Op("Mul", x, c.Scalar(0.5)), g.Op("Add", g.Op("Tanh", inner), c.Scalar(1)));
        }
    }

    /// <summary>One pre-LN encoder layer on h [N, T, D]; <paramref name="mask"/> is an additive [T, T] mask or null.</summary>
    public static string EncoderLayer(ClipGraphContext c, ClipEncoderConfig tower, int layer, string h, string? mask)
    {
        var g = c.G;
        string p = tower.LayerName(layer);
        using var scope = g.Scope(p);
        var adapter = c.Pet?.Adapter(p);
        string attn = Attention(c, tower, p, LayerNorm(c, h, p + ".layer_norm1", tower.LayerNormEps), mask);
        h = g.Op("Add", h, adapter is null ? attn : WithAdapter(c, attn, adapter));
        string mlp = Linear(c, Activation(c, Linear(c, LayerNorm(c, h, p + ".layer_norm2", tower.LayerNormEps), p + ".mlp.fc1"), tower.HiddenAct), p + ".mlp.fc2");
        string next = g.Op("Add", h, adapter is null ? mlp : WithAdapter(c, mlp, adapter));
        // Adapter experts run beside the MLP on the post-attention state, as in MoE-Adapters.
        return c.Pet?.Moe(p) is { } moe ? g.Op("Add", next, MoeExperts.Output(c, h, moe)) : next;
    }

    /// <summary>x / ‖x‖₂ over the last axis (no epsilon, as Hugging Face).</summary>
    public static string L2Normalize(ClipGraphContext c, string x)
    {
        var g = c.G;
        string sumSq = g.Op("ReduceSum", [g.Op("Mul", x, x), c.Ints(-1)], Attr.Int("keepdims", 1));
        return g.Op("Div", x, g.Op("Sqrt", sumSq));
    }

    /// <summary>a + s · up(dropout(relu(down(a)))).</summary>
    private static string WithAdapter(ClipGraphContext c, string a, Pet.AdapterSite site)
    {
        var g = c.G;
        string down = g.Op("Add", g.Op("MatMul", a, g.Op("Transpose", [c.PetInput(site.DownWeight)], Attr.Ints("perm", 1, 0))), c.PetInput(site.DownBias));
        string hidden = g.Op("Relu", down);
        if (c.Training && site.Dropout > 0)
        {
            hidden = g.Op("Dropout", [hidden, c.Scalar(site.Dropout), c.Constant<bool>("training_mode", [true])], 2)[0];
        }

        string up = g.Op("Add", g.Op("MatMul", hidden, g.Op("Transpose", [c.PetInput(site.UpWeight)], Attr.Ints("perm", 1, 0))), c.PetInput(site.UpBias));
        return g.Op("Add", a, g.Op("Mul", up, c.Scalar(site.Scale)));
    }

    private static string Attention(ClipGraphContext c, ClipEncoderConfig tower, string p, string x, string? mask)
    {
        var g = c.G;
        int heads = tower.NumAttentionHeads, hd = tower.HeadDim;
        // q, k and v from one product with the concatenated weights [D, 3D]: on the benchmark machine ONNX Runtime's CPU
        // GEMM ran three [500, 768]·[768, 768] products at about half the rate of one [500, 768]·[768, 2304].
        string[] names = [p + ".self_attn.q_proj", p + ".self_attn.k_proj", p + ".self_attn.v_proj"];
        string biases = g.Op("Concat", [.. names.Select(n => c.Weight(n + ".bias"))], Attr.Int("axis", 0));
        string fused = ProjectConcatenated(c, x, [.. names.Select(n => FrozenWeights.Transposed(n + ".weight"))], biases);
        string[] projected = g.Op("Split", [fused, c.Ints(tower.HiddenSize, tower.HiddenSize, tower.HiddenSize)], 3, Attr.Int("axis", -1));
        for (int i = 0; i < 3; i++)
        {
            if (c.Pet?.Lora(names[i]) is { } site)
            {
                projected[i] = g.Op("Add", projected[i], LoraDelta(c, x, site));
            }
        }

        string q = projected[0], k = projected[1], v = projected[2];
        if (c.Pet?.QkvLora(p) is { } qkv)
        {
            string[] parts = g.Op("Split", [LoraDelta(c, x, qkv), c.Ints(tower.HiddenSize, tower.HiddenSize, tower.HiddenSize)], 3, Attr.Int("axis", -1));
            q = g.Op("Add", q, parts[0]);
            k = g.Op("Add", k, parts[1]);
            v = g.Op("Add", v, parts[2]);
        }

        string splitShape = c.Ints(0, 0, heads, hd);
        string qh = g.Op("Transpose", [g.Op("Reshape", q, splitShape)], Attr.Ints("perm", 0, 2, 1, 3));
        string kt = g.Op("Transpose", [g.Op("Reshape", k, splitShape)], Attr.Ints("perm", 0, 2, 3, 1));
        string vh = g.Op("Transpose", [g.Op("Reshape", v, splitShape)], Attr.Ints("perm", 0, 2, 1, 3));
        string scores = g.Op("Mul", g.Op("MatMul", qh, kt), c.Scalar(1 / Math.Sqrt(hd)));
        if (mask is not null)
        {
            scores = g.Op("Add", scores, mask);
        }

        string probs = g.Op("Softmax", [scores], Attr.Int("axis", -1));
        string context = g.Op("Transpose", [g.Op("MatMul", probs, vh)], Attr.Ints("perm", 0, 2, 1, 3));
        string merged = g.Op("Reshape", context, c.Ints(0, 0, tower.HiddenSize));
        return Linear(c, merged, p + ".self_attn.out_proj");
    }
}
