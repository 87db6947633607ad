using OnnxOll.Learning.Learner;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>Keeps every progress report, on the learner's thread.</summary>
internal sealed class ProgressLog : IProgress<LearnerProgress>
{
    public List<LearnerProgress> Reports { get; } = [];

    public void Report(LearnerProgress value) => Reports.Add(value);
}
