using OnnxOll.Learning.Metrics;
using ScottPlot;
using ScottPlot.Plottables;

namespace OnnxOll.Learning.Tests.Metrics;

/// <summary>accuracy.png's settings, read from ScottPlot's plot: title, chance line, a y-range fitted to low accuracies, legend outside.</summary>
public sealed class AccuracyPlotTests
{
    // A run near chance: 20 then 40 classes seen, accuracies of 3-8 %.
    private static readonly EvaluationRecord[] Records =
    [
        new(100, 0, EvaluationKind.Anytime, 0.03, Classes(20)),
        new(200, 0, EvaluationKind.TaskEnd, 0.08, Classes(20)),
        new(300, 1, EvaluationKind.Anytime, 0.05, Classes(40)),
    ];

    [Fact]
    public void TitleChanceLineRangeAndLegendFitARunNearChance()
    {
        var plot = AccuracyPlot.Create(Records, [200], AccuracyPlot.RunTitle("sit", "lora:r=4"));

        Assert.Equal("Accuracy over the stream\nloss sit, PET lora:r=4", plot.Axes.Title.Label.Text);
        var chance = Assert.Single(plot.GetPlottables<Scatter>(), s => s.LegendText == AccuracyPlot.ChanceLabel);
        Assert.Equal([(100.0, 5.0), (200, 5), (300, 2.5)], chance.Data.GetScatterPoints().Select(p => (p.X, p.Y)));
        var limits = plot.Axes.GetLimits();
        Assert.Equal((0.0, 10.0), (limits.Bottom, limits.Top)); // 8 % at most: 9.6 rounded up to 10, not 100
        Assert.False(plot.Legend.IsVisible); // the legend inside the data area is hidden...
        Assert.Contains(plot.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel); // ...for one on the figure's edge
    }

    [Theory]
    [InlineData(0.0, 5.0)]
    [InlineData(2.5, 5.0)]
    [InlineData(40.0, 50.0)]
    [InlineData(97.0, 100.0)]
    public void TheRangeHasHeadroomRoundedToFivePercent(double highest, double top) => Assert.Equal(top, AccuracyPlot.TopOfRange(highest));

    private static Dictionary<string, double> Classes(int count) => Enumerable.Range(0, count).ToDictionary(i => $"c{i}", _ => 0.05);
}
