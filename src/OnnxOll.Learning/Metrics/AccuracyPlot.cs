using ScottPlot;

namespace OnnxOll.Learning.Metrics;

/// <summary>Draws accuracy over stream samples (anytime and task-end evaluations, chance, task boundaries as dashed vertical lines) to PNG and SVG.</summary>
public static class AccuracyPlot
{
    /// <summary>Legend text of the chance line.</summary>
    public const string ChanceLabel = "chance (1 / classes seen)";

    /// <summary>Writes the plot to <paramref name="pngPath"/> and <paramref name="svgPath"/>; <paramref name="taskBoundaries"/> are stream sample counts.</summary>
    public static void Write(
        IReadOnlyList<EvaluationRecord> records,
        IReadOnlyList<long> taskBoundaries,
        string pngPath,
        string svgPath,
        string title = "Accuracy over the stream",
        int width = 900,
        int height = 500) =>
        StreamPlot.Save(Create(records, taskBoundaries, title), pngPath, svgPath, width, height);

    /// <summary>The plot: accuracy in %, chance at each evaluation (1 / the classes it scored), a y-range from 0 to a little above the
    /// highest point (so a run near chance is not a flat line at the bottom), the legend outside the data area.</summary>
    public static Plot Create(IReadOnlyList<EvaluationRecord> records, IReadOnlyList<long> taskBoundaries, string title = "Accuracy over the stream")
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(taskBoundaries);
        var plot = new Plot();
        AddSeries(plot, records, EvaluationKind.Anytime, "anytime", Colors.SteelBlue, MarkerShape.None);
        AddSeries(plot, records, EvaluationKind.TaskEnd, "task end", Colors.OrangeRed, MarkerShape.FilledCircle);
        var chance = records.Where(r => r.PerClassAccuracy.Count > 0).OrderBy(r => r.SamplesSeen).ToList();
        if (chance.Count > 0)
        {
            var line = plot.Add.Scatter(
                chance.Select(r => (double)r.SamplesSeen).ToArray(),
                chance.Select(r => 100.0 / r.PerClassAccuracy.Count).ToArray());
            line.LegendText = ChanceLabel;
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dotted;
            line.MarkerSize = 0;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
        }

        double highest = records.Select(r => r.Accuracy * 100).Concat(chance.Select(r => 100.0 / r.PerClassAccuracy.Count)).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, TopOfRange(highest));
        StreamPlot.Decorate(plot, taskBoundaries, title, "accuracy (%)");
        plot.Axes.Title.Label.FontSize = 13; // a PET spec is long: two lines of this size fit 900 pixels
        return plot;
    }

    /// <summary>The title of a run's plot: what it learned with, its loss (<c>--loss</c>) and PET spec.</summary>
    public static string RunTitle(string loss, string pet) => $"Accuracy over the stream\nloss {loss}, PET {pet}";

    /// <summary>The y-axis top for a highest point of <paramref name="highest"/> %: 20 % headroom rounded up to 5 %, between 5 and 100.</summary>
    public static double TopOfRange(double highest) => Math.Clamp(Math.Ceiling(highest * 1.2 / 5) * 5, 5, 100);

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
