using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>A plain loop-based CLIP forward over double[], written from the spec (HF weights [out, in]); independent of the graph builders.</summary>
internal sealed class ReferenceClip
{
    private readonly ClipConfig cfg;
    private readonly Dictionary<string, double[]> w = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[]> pet = new(StringComparer.Ordinal);
    private readonly PetLayout? layout;

    public ReferenceClip(ClipWeights weights, PetParameters? parameters = null)
    {
        cfg = weights.Config;
        foreach (string name in weights.Names)
        {
            w[name] = weights.ReadFloat32(name).Select(x => (double)x).ToArray();
        }

        layout = parameters?.Layout;
        if (parameters is not null)
        {
            foreach (var t in parameters.Layout.Tensors)
            {
                pet[t.Name] = parameters[t.Name].Select(x => (double)x).ToArray();
            }
        }
    }

    /// <summary>One image [C, H, W] → projected embedding [P].</summary>
    public double[] Image(double[] px)
    {
        var vc = cfg.Vision;
        int d = vc.HiddenSize, p = vc.PatchSize, g = vc.GridSize, ch = vc.NumChannels, s = vc.ImageSize, n = vc.TokenCount;
        var conv = w["vision_model.embeddings.patch_embedding.weight"];
        var cls = w["vision_model.embeddings.class_embedding"];
        var pos = w["vision_model.embeddings.position_embedding.weight"];
        var h = new double[n * d];
        for (int k = 0; k < d; k++)
        {
            h[k] = cls[k] + pos[k];
        }

        for (int py = 0; py < g; py++)
        {
            for (int pxi = 0; pxi < g; pxi++)
            {
                int t = 1 + (py * g) + pxi;
                for (int k = 0; k < d; k++)
                {
                    double sum = 0;
                    for (int c = 0; c < ch; c++)
                    {
                        for (int ky = 0; ky < p; ky++)
                        {
                            for (int kx = 0; kx < p; kx++)
                            {
                                sum += conv[(((((k * ch) + c) * p) + ky) * p) + kx] * px[(((c * s) + (py * p) + ky) * s) + (pxi * p) + kx];
                            }
                        }
                    }

                    h[(t * d) + k] = sum + pos[(t * d) + k];
                }
            }
        }

        h = LayerNorm(h, n, d, "vision_model.pre_layrnorm", vc.LayerNormEps);
        for (int i = 0; i < vc.NumHiddenLayers; i++)
        {
            h = Layer(h, n, vc, i, causal: false);
        }

        var pooled = LayerNorm(h[..d], 1, d, "vision_model.post_layernorm", vc.LayerNormEps);
        return Project(pooled, "visual_projection.weight", d);
    }

    /// <summary>One token sequence [L] → projected embedding [P], pooled at the EOS position the config's rule picks.</summary>
    public double[] Text(long[] ids)
    {
        var tc = cfg.Text;
        int d = tc.HiddenSize, n = ids.Length;
        var tok = w["text_model.embeddings.token_embedding.weight"];
        var pos = w["text_model.embeddings.position_embedding.weight"];
        var h = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++)
            {
                h[(i * d) + k] = tok[(ids[i] * d) + k] + pos[(i * d) + k];
            }
        }

        for (int i = 0; i < tc.NumHiddenLayers; i++)
        {
            h = Layer(h, n, tc, i, causal: true);
        }

        h = LayerNorm(h, n, d, "text_model.final_layer_norm", tc.LayerNormEps);
        int eos = EosPosition(ids, tc.EosTokenId);
        return Project(h[(eos * d)..((eos + 1) * d)], "text_projection.weight", d);
    }

    /// <summary>The EOS position: first argmax for legacy configs (eos absent or 2), else the first id equal to eos (0 if none).</summary>
    public static int EosPosition(long[] ids, long? eosTokenId)
    {
        if (eosTokenId is null or 2)
        {
            int best = 0;
            for (int i = 1; i < ids.Length; i++)
            {
                if (ids[i] > ids[best])
                {
                    best = i;
                }
            }

            return best;
        }

        return Math.Max(0, Array.IndexOf(ids, eosTokenId.Value));
    }

    /// <summary>Mean cross-entropy of exp(logit_scale) · cos(img, txt) over the given target positions; optionally softmax applied twice.</summary>
    public double LogitScale => w["logit_scale"][0];

    public double Loss(double[][] images, double[][] texts, long[] targets, bool doubleSoftmax)
    {
        double scale = Math.Exp(LogitScale);
        var img = images.Select(Normalize).ToArray();
        var txt = texts.Select(Normalize).ToArray();
        double total = 0;
        for (int b = 0; b < img.Length; b++)
        {
            var logits = txt.Select(t => scale * img[b].Zip(t, (x, y) => x * y).Sum()).ToArray();
            if (doubleSoftmax)
            {
                logits = Softmax(logits);
            }

            var probs = Softmax(logits);
            total -= Math.Log(probs[targets[b]]);
        }

        return total / img.Length;
    }

    public static double[] Normalize(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    private double[] Project(double[] x, string name, int d)
    {
        var proj = w[name];
        var e = new double[cfg.ProjectionDim];
        for (int o = 0; o < e.Length; o++)
        {
            double sum = 0;
            for (int k = 0; k < d; k++)
            {
                sum += proj[(o * d) + k] * x[k];
            }

            e[o] = sum;
        }

        return e;
    }

    private double[] Layer(double[] h, int n, ClipEncoderConfig tc, int index, bool causal)
    {
        string p = tc.LayerName(index);
        int d = tc.HiddenSize, heads = tc.NumAttentionHeads, hd = tc.HeadDim, f = tc.IntermediateSize;
        var x = LayerNorm(h, n, d, p + ".layer_norm1", tc.LayerNormEps);
        var q = Linear(x, n, d, d, p + ".self_attn.q_proj");
        var k = Linear(x, n, d, d, p + ".self_attn.k_proj");
        var v = Linear(x, n, d, d, p + ".self_attn.v_proj");
        if (layout?.QkvLora(p) is { } qkv)
        {
            var delta = LoraDelta(x, n, d, 3 * d, qkv);
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < d; c++)
                {
                    q[(i * d) + c] += delta[(i * 3 * d) + c];
                    k[(i * d) + c] += delta[(i * 3 * d) + d + c];
                    v[(i * d) + c] += delta[(i * 3 * d) + (2 * d) + c];
                }
            }
        }

        var att = new double[n * d];
        double scale = 1 / Math.Sqrt(hd);
        for (int head = 0; head < heads; head++)
        {
            for (int i = 0; i < n; i++)
            {
                int last = causal ? i : n - 1;
                var s = new double[last + 1];
                for (int j = 0; j <= last; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < hd; c++)
                    {
                        dot += q[(i * d) + (head * hd) + c] * k[(j * d) + (head * hd) + c];
                    }

                    s[j] = dot * scale;
                }

                var a = Softmax(s);
                for (int c = 0; c < hd; c++)
                {
                    double acc = 0;
                    for (int j = 0; j <= last; j++)
                    {
                        acc += a[j] * v[(j * d) + (head * hd) + c];
                    }

                    att[(i * d) + (head * hd) + c] = acc;
                }
            }
        }

        var o = Adapter(Linear(att, n, d, d, p + ".self_attn.out_proj"), n, d, p);
        var h2 = new double[n * d];
        for (int i = 0; i < n * d; i++)
        {
            h2[i] = h[i] + o[i];
        }

        var moe = layout?.Moe(p) is { } site ? ReferenceMoe.Output(h2, n, d, site, pet) : new double[n * d];
        var m1 = Linear(LayerNorm(h2, n, d, p + ".layer_norm2", tc.LayerNormEps), n, d, f, p + ".mlp.fc1");
        for (int i = 0; i < m1.Length; i++)
        {
            m1[i] = Act(m1[i], tc.HiddenAct);
        }

        var m2 = Adapter(Linear(m1, n, f, d, p + ".mlp.fc2"), n, d, p);
        for (int i = 0; i < n * d; i++)
        {
            h2[i] += m2[i] + moe[i];
        }

        return h2;
    }

    private double[] Adapter(double[] a, int n, int d, string layer)
    {
        if (layout?.Adapter(layer) is not { } site)
        {
            return a;
        }

        var down = pet[site.DownWeight];
        var downBias = pet[site.DownBias];
        var up = pet[site.UpWeight];
        var upBias = pet[site.UpBias];
        int m = downBias.Length;
        var y = (double[])a.Clone();
        for (int i = 0; i < n; i++)
        {
            var hidden = new double[m];
            for (int r = 0; r < m; r++)
            {
                double sum = downBias[r];
                for (int c = 0; c < d; c++)
                {
                    sum += down[(r * d) + c] * a[(i * d) + c];
                }

                hidden[r] = Math.Max(0, sum);
            }

            for (int c = 0; c < d; c++)
            {
                double sum = upBias[c];
                for (int r = 0; r < m; r++)
                {
                    sum += up[(c * m) + r] * hidden[r];
                }

                y[(i * d) + c] += site.Scale * sum;
            }
        }

        return y;
    }

    private double[] Linear(double[] x, int n, int inF, int outF, string name)
    {
        var weight = w[name + ".weight"];
        var bias = w[name + ".bias"];
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < outF; o++)
            {
                double sum = bias[o];
                for (int k = 0; k < inF; k++)
                {
                    sum += weight[(o * inF) + k] * x[(i * inF) + k];
                }

                y[(i * outF) + o] = sum;
            }
        }

        if (layout?.Lora(name) is { } site)
        {
            var delta = LoraDelta(x, n, inF, outF, site);
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += delta[i];
            }
        }

        return y;
    }

    private double[] LoraDelta(double[] x, int n, int inF, int outF, LoraSite site)
    {
        var a = pet[site.A];
        var b = pet[site.B];
        int r = site.Rank;
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
        {
            var ax = new double[r];
            for (int j = 0; j < r; j++)
            {
                for (int k = 0; k < inF; k++)
                {
                    ax[j] += a[(j * inF) + k] * x[(i * inF) + k];
                }
            }

            for (int o = 0; o < outF; o++)
            {
                double sum = 0;
                for (int j = 0; j < r; j++)
                {
                    sum += b[(o * r) + j] * ax[j];
                }

                y[(i * outF) + o] = site.Scale * sum;
            }
        }

        return y;
    }

    private double[] LayerNorm(double[] x, int n, int d, string name, double eps)
    {
        var gamma = w[name + ".weight"];
        var beta = w[name + ".bias"];
        var y = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            double mean = 0, variance = 0;
            for (int k = 0; k < d; k++)
            {
                mean += x[(i * d) + k];
            }

            mean /= d;
            for (int k = 0; k < d; k++)
            {
                variance += (x[(i * d) + k] - mean) * (x[(i * d) + k] - mean);
            }

            variance /= d;
            double inv = 1 / Math.Sqrt(variance + eps);
            for (int k = 0; k < d; k++)
            {
                y[(i * d) + k] = ((x[(i * d) + k] - mean) * inv * gamma[k]) + beta[k];
            }
        }

        return y;
    }

    private static double Act(double x, ClipActivation act) => act switch
    {
        ClipActivation.QuickGelu => x / (1 + Math.Exp(-1.702 * x)),
        ClipActivation.Relu => Math.Max(0, x),
        ClipActivation.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x)))),
        _ => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
    };

    /// <summary>erf by its Maclaurin series for |x| &lt; 3 and the asymptotic erfc expansion beyond (absolute error below 1e-8).</summary>
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax >= 3)
        {
            // erfc by its continued fraction (the asymptotic series is only good to ~1e-8 here).
            double fraction = ax;
            for (int k = 80; k >= 1; k--)
            {
                fraction = ax + (k / 2.0 / fraction);
            }

            return Math.Sign(x) * (1 - (Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * fraction)));
        }

        double sum = 0, term = x;
        for (int n = 0; n < 100; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
