using OnnxOll.Learning.Learner.Methods;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary>Online-LoRA's plateau detector on synthetic loss sequences: a full, low and flat window after a new peak is a plateau.</summary>
public sealed class LossPlateauTests
{
    [Fact]
    public void FindsAPlateauOncePerPeak()
    {
        var plateau = new LossPlateau(length: 3, meanThreshold: 2.0, varianceThreshold: 0.05);
        // Falling loss, a plateau, a flat stretch (no new peak: no second plateau), a peak (new task), and its plateau.
        double[] losses = [5, 4, 3, 1.5, 1.2, 1.1, 1.0, 1.0, 1.05, 1.0, 4, 4.5, 3, 1.4, 1.3, 1.35, 1.3];
        var found = losses.Select((loss, i) => (Plateau: plateau.Add(loss), Index: i)).Where(x => x.Plateau).Select(x => x.Index).ToArray();

        Assert.Equal([5, 15], found);
        Assert.False(plateau.PeakSeen);
        Assert.Equal(1.35, plateau.LastMean, 9);
    }

    [Fact]
    public void WaitsForAFullWindowAndRespectsBothThresholds()
    {
        Assert.False(new LossPlateau(4, 2, 1).Add(0.5)); // one loss is not a window
        var noisy = new LossPlateau(2, 2, 0.01);
        Assert.False(noisy.Add(0.2));
        Assert.False(noisy.Add(1.0)); // variance 0.16
        var high = new LossPlateau(2, 1, 1);
        Assert.False(high.Add(3));
        Assert.False(high.Add(3)); // mean 3
    }

    [Fact]
    public void ContinuesExactlyFromItsSavedState()
    {
        double[] losses = [3, 1, 1, 1, 2.5, 2.6, 0.9, 0.9, 0.9, 3, 0.5, 0.5, 0.5];
        var whole = new LossPlateau(3, 2, 0.5);
        var wholeFound = losses.Select(whole.Add).ToArray();

        var first = new LossPlateau(3, 2, 0.5);
        var firstFound = losses.Take(6).Select(first.Add).ToList();
        var resumed = new LossPlateau(3, 2, 0.5);
        resumed.Restore(first.Window.ToArray(), first.PeakSeen, first.LastMean, first.LastVariance);
        bool[] continued = [.. firstFound, .. losses.Skip(6).Select(resumed.Add)];
        Assert.Equal(wholeFound, continued);
        Assert.Contains(true, wholeFound);
    }
}
