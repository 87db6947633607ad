namespace OnnxOll.Cli.Commands;

/// <summary>The accuracy of a run's PET model on a test split, overall and per class, and where it was written.</summary>
/// <param name="Accuracy">Correct / total over every evaluated image.</param>
/// <param name="PerClass">Accuracy of each class's images (predicting among all test classes).</param>
/// <param name="Samples">Number of test images per class evaluated.</param>
/// <param name="ReportPath">The report written (eval.json in the run folder unless asked otherwise), or null when none was (no run
/// folder and no <c>--out</c>).</param>
/// <param name="Source">Which checkpoint was evaluated (run, manifest, step, sample).</param>
/// <param name="Report">The report's JSON (what eval.json holds, and <c>--json</c> prints).</param>
public sealed record EvalResult(double Accuracy, IReadOnlyDictionary<string, double> PerClass, IReadOnlyDictionary<string, int> Samples, string? ReportPath, string Source,
    System.Text.Json.Nodes.JsonObject Report);
