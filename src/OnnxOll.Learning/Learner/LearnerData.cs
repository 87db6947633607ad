using OnnxOll.Streams.Data;
using OnnxOll.Learning.Data;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Learning.Learner;

/// <summary>What a learner (or a reference method) sees of a data set: the stream's training images without the holdout classes,
/// the validation and the skipped images; the images evaluated (validation images, else the test split); the holdout classes.</summary>
public sealed class LearnerData : IDisposable
{
    private LearnerData(SubsetSource stream, ILabelledSampleSource? evaluation, IReadOnlySet<string> holdout)
    {
        Stream = stream;
        Evaluation = evaluation;
        Holdout = holdout;
    }

    /// <summary>The training images the stream brings.</summary>
    public SubsetSource Stream { get; }

    /// <summary>The images evaluations score (null: the data set has no test split and no validation images were carved).</summary>
    public ILabelledSampleSource? Evaluation { get; }

    /// <summary>Classes kept out of the stream, whose zero-shot accuracy measures retention.</summary>
    public IReadOnlySet<string> Holdout { get; }

    /// <summary>Carves <paramref name="data"/> as <paramref name="options"/> say (holdout classes, validation and skipped images per class).</summary>
    /// <exception cref="ArgumentException">The holdout would leave no stream, or names classes the data lacks.</exception>
    public static LearnerData Carve(DataSplits data, LearnerOptions options)
    {
        var holdout = HoldoutClasses(data.Train.Labels, options);
        var (streamed, validation) = ValidationSplit.Carve(data.Train, options.ValidationPerClass, options.SkipPerClass);
        return new LearnerData(new SubsetSource(streamed, l => !holdout.Contains(l)), options.ValidationPerClass > 0 ? validation : data.Test, holdout);
    }

    /// <summary>The order <paramref name="spec"/> streams these images in, checked against a resumed <paramref name="cursor"/>.</summary>
    /// <exception cref="InvalidDataException">The cursor is beyond the stream: the data changed since the run in <paramref name="runDirectory"/> started.</exception>
    public Scenario BuildScenario(ScenarioSpec spec, long cursor, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var scenario = spec.Build(Stream.Labels);
        return cursor <= scenario.Entries.Count ? scenario
            : throw new InvalidDataException($"{runDirectory}: the checkpoint's stream position {cursor} is beyond the {scenario.Entries.Count} samples of this data; the data changed since the run started.");
    }

    /// <inheritdoc/>
    public void Dispose() => Stream.Dispose();

    private static IReadOnlySet<string> HoldoutClasses(IReadOnlyList<string> labels, LearnerOptions options)
    {
        if (options.HoldoutClassNames.Count > 0)
        {
            return HoldoutList.Check(options.HoldoutClassNames, labels, options.HoldoutClassSource);
        }

        if (options.HoldoutClasses <= 0)
        {
            return new HashSet<string>();
        }

        var classes = labels.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (options.HoldoutClasses >= classes.Length)
        {
            throw new ArgumentException($"Cannot hold out {options.HoldoutClasses} of {classes.Length} classes: the stream would be empty.");
        }

        new Random(options.Seed).Shuffle(classes);
        return classes.Take(options.HoldoutClasses).ToHashSet(StringComparer.Ordinal);
    }
}
