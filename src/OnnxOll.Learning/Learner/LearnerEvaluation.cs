using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>Scores the learner on its evaluation images: the seen classes with PET, prototypes and offsets (recorded in the run state and
/// metrics log, with the evaluation hooks fired), and the holdout classes' zero-shot accuracy.</summary>
/// <remarks>A plugin's router (<see cref="LearnerPlugin.Router"/>) decides per image whether the learned or the frozen model scores it.</remarks>
internal sealed class LearnerEvaluation(
    ClipModelRuntime model, ILabelledSampleSource images, BatchTrainer trainer, TextFeatures text, MetricsLog log, LearnerContext context, LearnerHooks hooks)
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

        hooks.Fire(static (p, c) => p.BeforeEvaluation(c));
        if (model.TextHasPet)
        {
            text.Refresh(trainer.Pet);
        }

        var options = context.Options;
        evaluator.Router = hooks.Router();
        using var frozenText = FrozenText(state.Vocabulary);
        var (accuracy, perClass) = evaluator.Evaluate(Enumerable.Range(0, state.Vocabulary.Count).ToArray(), state.Vocabulary, text, trainer.Pet,
            trainer.Prototypes, options.PrototypeWeight, trainer.Offsets, frozenText);
        var record = new EvaluationRecord(state.SamplesSeen, Math.Max(0, state.Task), kind, accuracy, perClass);
        context.LastEvaluation = record;
        hooks.Fire(static (p, c) => p.AfterEvaluation(c));
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
        evaluator.Router = hooks.Router();
        using var frozenText = FrozenText(vocabulary);
        return evaluator.Evaluate(Enumerable.Range(0, vocabulary.Count).ToArray(), vocabulary, features, trainer.Pet, frozenText: frozenText).Accuracy;
    }

    /// <summary>The frozen model's text features of <paramref name="vocabulary"/> when a router may need them and the text tower has PET
    /// (without text PET the learner's own text features are the frozen model's).</summary>
    private TextFeatures? FrozenText(ClassVocabulary vocabulary)
    {
        if (evaluator.Router is null || !model.TextHasPet)
        {
            return null;
        }

        var frozen = new TextFeatures(model, new PromptTemplates(context.Options.Prompts));
        frozen.Extend(vocabulary, PetParameters.Zero(model.Layout));
        return frozen;
    }

    public void Dispose() => evaluator.Dispose();
}
