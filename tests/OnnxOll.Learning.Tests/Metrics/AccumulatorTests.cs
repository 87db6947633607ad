using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Tests.Metrics;

public class AccumulatorTests
{
    [Fact]
    public void Accuracy_OverallAndPerClass_HandComputed()
    {
        var accuracy = new Accuracy();
        accuracy.Update(["cat", "cat", "cat", "dog"], ["cat", "dog", "cat", "dog"]);
        accuracy.Update("bird", "cat");
        Assert.Equal(3.0 / 5, accuracy.Result(), 12);
        Assert.Equal(new Dictionary<string, double> { ["bird"] = 0, ["cat"] = 2.0 / 3, ["dog"] = 1 }, accuracy.ResultPerClass());
        accuracy.Reset();
        Assert.Equal(0, accuracy.Result());
        Assert.Empty(accuracy.ResultPerClass());
        Assert.Throws<ArgumentException>(() => accuracy.Update(["a"], []));
    }

    // Columns: interval, samples before, samples after, due.
    [Theory]
    [InlineData(1000, 0, 64, false)]
    [InlineData(1000, 960, 1024, true)]
    [InlineData(1000, 1000, 1064, false)]
    [InlineData(1000, 936, 1000, true)]
    [InlineData(100, 0, 250, true)]
    public void AnytimeAccuracy_IsDue_WhenAMultipleOfTheIntervalIsCrossed(long interval, long before, long after, bool due)
    {
        Assert.Equal(due, new AnytimeAccuracy(interval).IsDue(before, after));
    }

    [Fact]
    public void AnytimeAccuracy_IsTheMeanOfEvaluations()
    {
        var auc = new AnytimeAccuracy();
        foreach (var a in new[] { 0.2, 0.5, 0.8, 0.9 })
        {
            auc.Update(a);
        }

        Assert.Equal(0.6, auc.Result(), 12);
        Assert.Equal(4, auc.Count);
        auc.Reset();
        Assert.Equal(0, auc.Result());
    }

    [Fact]
    public void AverageAndLastAccuracy_HandComputed()
    {
        var avg = new AverageAccuracy();
        var last = new LastAccuracy();
        foreach (var a in new[] { 0.9, 0.7, 0.5 })
        {
            avg.Update(a);
            last.Update(a);
        }

        Assert.Equal(0.7, avg.Result(), 12);
        Assert.Equal(0.5, last.Result());
        avg.Reset();
        last.Reset();
        Assert.Equal(0, avg.Result());
        Assert.Equal(0, last.Result());
    }

    [Fact]
    public void LastForgetting_BestEarlierMinusFinal_OverClassesSeenEarlier()
    {
        var forgetting = new LastForgetting();
        forgetting.Update(new Dictionary<string, double> { ["a"] = 0.9 });
        forgetting.Update(new Dictionary<string, double> { ["a"] = 0.6, ["b"] = 0.8 });
        forgetting.Update(new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.9, ["c"] = 0.7 });
        // a: max(0.9, 0.6) - 0.5 = 0.4; b: 0.8 - 0.9 = -0.1; c: no earlier value, excluded.
        Assert.Equal((0.4 - 0.1) / 2, forgetting.Result(), 12);
        forgetting.Reset();
        forgetting.Update(new Dictionary<string, double> { ["a"] = 0.5 });
        Assert.Equal(0, forgetting.Result());
    }

    [Fact]
    public void ZeroShotRetention_ChangeIsAfterMinusBefore()
    {
        var retention = new ZeroShotRetention();
        retention.UpdateBefore(0.62);
        Assert.Null(retention.Result());
        retention.UpdateAfter(0.55);
        Assert.Equal(-0.07, retention.Result()!.Value, 12);
        retention.Reset();
        Assert.Null(retention.Before);
        Assert.Null(retention.Result());
    }
}
