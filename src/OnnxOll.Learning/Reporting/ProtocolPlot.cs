using OnnxOll.Learning.Metrics;
using ScottPlot;

namespace OnnxOll.Learning.Reporting;

/// <summary>Anytime accuracy over the stream, one line per method (the mean over seeds at each evaluation point), to PNG and SVG.</summary>
public static class ProtocolPlot
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.OrangeRed, Colors.SeaGreen, Colors.Purple, Colors.Brown, Colors.Gray, Colors.Black];

    /// <summary>Writes <paramref name="pngPath"/> and the SVG beside it for the runs of one scenario.</summary>
    public static void Write(IReadOnlyList<ProtocolRun> runs, IReadOnlyList<string> methods, string title, string pngPath)
    {
        var plot = new Plot();
        int colour = 0;
        foreach (var method in methods)
        {
            var points = runs.Where(r => r.Method == method)
                .SelectMany(r => r.Records.Where(e => e.Kind == EvaluationKind.Anytime))
                .GroupBy(e => e.SamplesSeen)
                .OrderBy(g => g.Key)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(g => (double)g.Key).ToArray(), points.Select(g => g.Average(e => e.Accuracy) * 100).ToArray());
            line.LegendText = method;
            line.Color = Palette[colour++ % Palette.Length];
            line.MarkerSize = 0;
        }

        plot.Title(title);
        plot.XLabel("stream samples seen");
        plot.YLabel("anytime accuracy on the classes seen so far (%)");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(pngPath, 900, 500);
        plot.SaveSvg(Path.ChangeExtension(pngPath, ".svg"), 900, 500);
    }
}
