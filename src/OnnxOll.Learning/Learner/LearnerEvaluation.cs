using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Data;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>Scores the learner on its evaluation images: the seen classes with PET, prototypes and offsets (recorded in the run state and
/// metrics log, with the evaluation hooks fired), and the holdout classes' zero-shot accuracy.</summary>
internal sealed class LearnerEvaluation(
    ClipModelRuntime model, ILabelledSampleSource images, BatchTrainer trainer, TextFeatures text, MetricsLog log, LearnerContext context, Action<Action<LearnerPlugin>> fire)
    : IDisposable
{
    private readonly Evaluator evaluator = new(model, images, context.Options.EvalPerClass);

    /// <summary>Evaluates the classes seen so far and records the result (nothing before the first class).</summary>
    public void EvaluateSeen(EvaluationKind kind)
    {
        var state = context.State;
        if (state.Vocabulary.Count == 0)
        {
            return;
        }

        fire(p => p.BeforeEvaluation(context));
        if (model.TextHasPet)
        {
            text.Refresh(trainer.Pet);
        }

        var options = context.Options;
        var (accuracy, perClass) = evaluator.Evaluate(Enumerable.Range(0, state.Vocabulary.Count).ToArray(), state.Vocabulary, text, trainer.Pet,
            trainer.Prototypes, options.PrototypeWeight, trainer.Offsets);
        var record = new EvaluationRecord(state.SamplesSeen, Math.Max(0, state.Task), kind, accuracy, perClass);
        context.LastEvaluation = record;
        fire(p => p.AfterEvaluation(context));
        state.Records.Add(record);
        log.Append(record);
    }

    /// <summary>Zero-shot accuracy over the <paramref name="holdout"/> classes with the current PET tensors.</summary>
    public double EvaluateHoldout(IReadOnlySet<string> holdout)
    {
        var vocabulary = new ClassVocabulary();
        foreach (var name in holdout.Order(StringComparer.Ordinal))
        {
            vocabulary.GetOrAdd(name);
        }

        using var features = new TextFeatures(model, new PromptTemplates(context.Options.Prompts));
        features.Extend(vocabulary, trainer.Pet);
        return evaluator.Evaluate(Enumerable.Range(0, vocabulary.Count).ToArray(), vocabulary, features, trainer.Pet).Accuracy;
    }

    public void Dispose() => evaluator.Dispose();
}
