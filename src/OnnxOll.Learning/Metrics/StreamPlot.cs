using ScottPlot;

namespace OnnxOll.Learning.Metrics;

/// <summary>What the plots of a run over its stream share: task boundaries, the samples axis, a legend outside the data area, and the PNG and SVG files.</summary>
internal static class StreamPlot
{
    /// <summary>Marks <paramref name="taskBoundaries"/> (stream sample counts) as dashed grey lines, labels the plot and puts its legend
    /// right of the data area, where it hides no point.</summary>
    public static void Decorate(Plot plot, IReadOnlyList<long> taskBoundaries, string title, string yLabel)
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
        plot.ShowLegend(Edge.Right);
    }

    /// <summary>Writes <paramref name="plot"/> as PNG and SVG.</summary>
    public static void Save(Plot plot, string pngPath, string svgPath, int width, int height)
    {
        plot.SavePng(pngPath, width, height);
        plot.SaveSvg(svgPath, width, height);
    }
}
