using ScottPlot;

namespace OnnxOll.Learning.Metrics;

/// <summary>Draws accuracy over stream samples (anytime and task-end evaluations, task boundaries as dashed vertical lines) to PNG and SVG.</summary>
public static class AccuracyPlot
{
    /// <summary>Writes the plot to <paramref name="pngPath"/> and <paramref name="svgPath"/>; <paramref name="taskBoundaries"/> are stream sample counts.</summary>
    public static void Write(
        IReadOnlyList<EvaluationRecord> records,
        IReadOnlyList<long> taskBoundaries,
        string pngPath,
        string svgPath,
        string title = "Accuracy over the stream",
        int width = 900,
        int height = 500)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(taskBoundaries);
        var plot = new Plot();
        AddSeries(plot, records, EvaluationKind.Anytime, "anytime", Colors.SteelBlue, MarkerShape.None);
        AddSeries(plot, records, EvaluationKind.TaskEnd, "task end", Colors.OrangeRed, MarkerShape.FilledCircle);
        plot.Axes.SetLimitsY(0, 100);
        StreamPlot.Save(plot, taskBoundaries, title, "accuracy (%)", Alignment.LowerRight, pngPath, svgPath, width, height);
    }

    private static void AddSeries(Plot plot, IReadOnlyList<EvaluationRecord> records, EvaluationKind kind, string label, Color color, MarkerShape marker)
    {
        var points = records.Where(r => r.Kind == kind).OrderBy(r => r.SamplesSeen).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(
            points.Select(r => (double)r.SamplesSeen).ToArray(),
            points.Select(r => r.Accuracy * 100).ToArray());
        scatter.LegendText = label;
        scatter.Color = color;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = marker == MarkerShape.None ? 0 : 7;
    }
}
