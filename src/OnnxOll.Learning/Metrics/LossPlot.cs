using ScottPlot;

namespace OnnxOll.Learning.Metrics;

/// <summary>Draws the training loss of every batch and its moving average over stream samples (task boundaries dashed) to PNG and SVG.</summary>
public static class LossPlot
{
    /// <summary>Writes the plot of <paramref name="steps"/>, averaged over the last <paramref name="window"/> batches, to <paramref name="pngPath"/> and <paramref name="svgPath"/>.</summary>
    public static void Write(
        IReadOnlyList<StepRecord> steps,
        int window,
        IReadOnlyList<long> taskBoundaries,
        string pngPath,
        string svgPath,
        string title = "Training loss over the stream",
        int width = 900,
        int height = 500)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(taskBoundaries);
        var samples = steps.Select(s => (double)s.SamplesSeen).ToArray();
        var average = new MovingAverage(window);
        var smoothed = steps.Select(s =>
        {
            average.Add(s.Loss);
            return average.Value;
        }).ToArray();
        var plot = new Plot();
        AddLine(plot, samples, [.. steps.Select(s => (double)s.Loss)], "per batch", Colors.SteelBlue.WithAlpha(0.45), 1);
        AddLine(plot, samples, smoothed, $"mean of the last {window} batches", Colors.OrangeRed, 2);
        StreamPlot.Decorate(plot, taskBoundaries, title, "loss");
        StreamPlot.Save(plot, pngPath, svgPath, width, height);
    }

    private static void AddLine(Plot plot, double[] samples, double[] loss, string label, Color color, float width)
    {
        var line = plot.Add.Scatter(samples, loss);
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = width;
        line.MarkerSize = 0;
    }
}
