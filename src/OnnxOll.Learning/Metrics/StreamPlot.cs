using ScottPlot;

namespace OnnxOll.Learning.Metrics;

/// <summary>What the plots of a run over its stream share: task boundaries, the samples axis, a legend, and the PNG and SVG files.</summary>
internal static class StreamPlot
{
    /// <summary>Marks <paramref name="taskBoundaries"/> (stream sample counts) as dashed grey lines, labels the plot and writes both files.</summary>
    public static void Save(Plot plot, IReadOnlyList<long> taskBoundaries, string title, string yLabel, Alignment legend, string pngPath, string svgPath, int width, int height)
    {
        foreach (long boundary in taskBoundaries)
        {
            var line = plot.Add.VerticalLine(boundary);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
        }

        plot.Title(title);
        plot.XLabel("stream samples seen");
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        plot.SavePng(pngPath, width, height);
        plot.SaveSvg(svgPath, width, height);
    }
}
