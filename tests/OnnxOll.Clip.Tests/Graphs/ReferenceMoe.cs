using OnnxOll.Clip.Pet;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>MoE-Adapters' expert mixture of one layer in plain loops (the paper's definition), for <see cref="ReferenceClip"/>.</summary>
internal static class ReferenceMoe
{
    /// <summary>s · Σₑ gₑ · upₑ(relu(downₑ(h))) for h [n, d], g = softmax over the top-k router logits (0 for the others).</summary>
    public static double[] Output(double[] h, int n, int d, MoeSite site, IReadOnlyDictionary<string, double[]> pet)
    {
        var spec = site.Spec;
        int e = spec.Experts, m = spec.Dim;
        double[] router = pet[site.RouterWeight], down = pet[site.DownWeight], downBias = pet[site.DownBias];
        double[] up = pet[site.UpWeight], upBias = pet[site.UpBias];
        var routed = new double[d];
        for (int c = 0; c < d; c++)
        {
            routed[c] = spec.RouteClassToken ? h[c] : Enumerable.Range(0, n).Average(i => h[(i * d) + c]);
        }

        var logits = Enumerable.Range(0, e).Select(x => Enumerable.Range(0, d).Sum(c => router[(x * d) + c] * routed[c])).ToArray();
        var top = Enumerable.Range(0, e).OrderByDescending(x => logits[x]).Take(spec.TopK).ToArray();
        double max = top.Max(x => logits[x]);
        double norm = top.Sum(x => Math.Exp(logits[x] - max));
        var y = new double[n * d];
        foreach (int x in top)
        {
            double gate = Math.Exp(logits[x] - max) / norm;
            for (int i = 0; i < n; i++)
            {
                var hidden = new double[m];
                for (int r = 0; r < m; r++)
                {
                    double sum = downBias[(x * m) + r];
                    for (int c = 0; c < d; c++)
                    {
                        sum += down[(((x * m) + r) * d) + c] * h[(i * d) + c];
                    }

                    hidden[r] = Math.Max(0, sum);
                }

                for (int c = 0; c < d; c++)
                {
                    double sum = upBias[(x * d) + c];
                    for (int r = 0; r < m; r++)
                    {
                        sum += up[(((x * d) + c) * m) + r] * hidden[r];
                    }

                    y[(i * d) + c] += spec.Scale * gate * sum;
                }
            }
        }

        return y;
    }
}
