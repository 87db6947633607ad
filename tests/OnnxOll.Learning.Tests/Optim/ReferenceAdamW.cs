namespace OnnxOll.Learning.Tests.Optim;

/// <summary>Plain double-precision loops of torch.optim.AdamW's update (amsgrad off, maximize off).</summary>
internal sealed class ReferenceAdamW(double lr, double beta1, double beta2, double eps, double weightDecay)
{
    private readonly Dictionary<double[], (double[] M, double[] V)> state = [];
    private int step;

    public void Step(IReadOnlyList<(double[] P, double[] G)> parameters)
    {
        step++;
        foreach (var (p, g) in parameters)
        {
            if (!state.TryGetValue(p, out var s))
            {
                s = (new double[p.Length], new double[p.Length]);
                state[p] = s;
            }

            double bc1 = 1 - Math.Pow(beta1, step);
            double bc2 = 1 - Math.Pow(beta2, step);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] *= 1 - (lr * weightDecay);
                s.M[i] = (beta1 * s.M[i]) + ((1 - beta1) * g[i]);
                s.V[i] = (beta2 * s.V[i]) + ((1 - beta2) * g[i] * g[i]);
                double denom = (Math.Sqrt(s.V[i]) / Math.Sqrt(bc2)) + eps;
                p[i] -= lr / bc1 * s.M[i] / denom;
            }
        }
    }
}
