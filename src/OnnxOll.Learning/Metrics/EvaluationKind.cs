namespace OnnxOll.Learning.Metrics;

/// <summary>Why an evaluation was run.</summary>
public enum EvaluationKind
{
    /// <summary>Periodic, every K stream samples (feeds A_auc).</summary>
    Anytime,

    /// <summary>At the end of a task (feeds A_avg, A_last, F_last).</summary>
    TaskEnd,

    /// <summary>After the whole stream.</summary>
    Final,
}
