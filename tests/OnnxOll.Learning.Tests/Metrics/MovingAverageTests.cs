using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Tests.Metrics;

public class MovingAverageTests
{
    [Fact]
    public void IsNaNBeforeTheFirstValue()
    {
        var average = new MovingAverage(3);
        Assert.True(double.IsNaN(average.Value));
        Assert.Equal(0, average.Count);
    }

    [Fact]
    public void AveragesWhatArrivedUntilTheWindowIsFullThenOnlyTheLastWindow()
    {
        var average = new MovingAverage(3);
        average.Add(1);
        average.Add(2);
        Assert.Equal((1.5, 2), (average.Value, average.Count));
        average.Add(3);
        Assert.Equal((2.0, 3), (average.Value, average.Count));
        average.Add(10);
        Assert.Equal((5.0, 3), (average.Value, average.Count));
        average.Add(-6);
        average.Add(0.5);
        Assert.Equal((1.5, 3), (average.Value, average.Count));
    }

    [Fact]
    public void AWindowOfOneIsTheLastValue_AndOfNoneIsRefused()
    {
        var last = new MovingAverage(1);
        last.Add(4);
        last.Add(7);
        Assert.Equal(7, last.Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MovingAverage(0));
    }
}
