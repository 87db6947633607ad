using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner.Logging;

/// <summary>Keeps metrics.csv beside a run's metrics.jsonl: the same records as flat rows, appended as the learner logs them.</summary>
/// <remarks>At the start of a run the file is rebuilt from metrics.jsonl, which a resume has already cut back to its checkpoint,
/// so a resumed run's CSV holds each row once, exactly as the JSON log does.</remarks>
public sealed class MetricsCsvLogger(string runDirectory) : LearnerPlugin
{
    private readonly MetricsCsv csv = new(Path.Combine(runDirectory, MetricsCsv.FileName));
    private readonly string jsonl = Path.Combine(runDirectory, MetricsLog.RecordsFileName);

    public override void BeforeRun(LearnerContext context) => csv.RewriteFrom(jsonl);

    public override void AfterBatch(LearnerContext context)
    {
        if (context.LastStep is { } step)
        {
            csv.Append(StepRecordJson.ToJson(step));
        }
    }

    public override void AfterEvaluation(LearnerContext context)
    {
        if (context.LastEvaluation is { } record)
        {
            csv.Append(EvaluationRecordJson.ToJson(record));
        }
    }
}
