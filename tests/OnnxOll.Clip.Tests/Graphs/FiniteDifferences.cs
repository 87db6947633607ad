namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>Checks analytic gradients against central differences of a loss, at a few random entries and the largest one.</summary>
internal static class FiniteDifferences
{
    private const double Eps = 1e-5;

    /// <summary>Asserts that <paramref name="gradient"/> matches d loss / d <paramref name="values"/>, perturbing the values in place.</summary>
    public static void AssertMatches(string name, double[] values, double[] gradient, Func<double> loss, Random random, int randomEntries = 3)
    {
        Assert.Equal(values.Length, gradient.Length);
        double scale = Math.Max(1e-7, gradient.Max(Math.Abs));
        var entries = Enumerable.Range(0, randomEntries).Select(_ => random.Next(values.Length)).Append(Array.IndexOf(gradient, gradient.MaxBy(Math.Abs)));
        foreach (int i in entries.Distinct())
        {
            double saved = values[i];
            values[i] = saved + Eps;
            double plus = loss();
            values[i] = saved - Eps;
            double minus = loss();
            values[i] = saved;
            double fd = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(fd - gradient[i]) <= (1e-5 * scale) + 1e-10,
                $"{name}[{i}]: analytic {gradient[i]:E6}, finite difference {fd:E6} (max |grad| {scale:E3})");
        }
    }
}
