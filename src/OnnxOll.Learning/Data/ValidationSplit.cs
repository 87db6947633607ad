using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Data;

namespace OnnxOll.Learning.Data;

/// <summary>Splits the training images of each class (in source order) into those a model was pretrained on (the first ones, left out),
/// the stream, and a validation split (the last ones), evaluated instead of the test split so settings are chosen without test data.</summary>
public static class ValidationSplit
{
    /// <summary>Leaves out the first <paramref name="skipFirst"/> images of each class and keeps the last <paramref name="perClass"/> for
    /// validation (always leaving a class at least one stream image); neither view owns <paramref name="train"/>.</summary>
    public static (SubsetSource Stream, SubsetSource Validation) Carve(ILabelledSampleSource train, int perClass, int skipFirst = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        ArgumentOutOfRangeException.ThrowIfNegative(skipFirst);
        var stream = new List<int>();
        var validation = new List<int>();
        foreach (var group in Enumerable.Range(0, train.Labels.Count).GroupBy(i => train.Labels[i], StringComparer.Ordinal))
        {
            var kept = group.Skip(skipFirst).ToArray();
            int streamed = Math.Max(1, kept.Length - perClass);
            stream.AddRange(kept.Take(streamed));
            validation.AddRange(kept.Skip(streamed));
        }

        return (new SubsetSource(train, stream.Order()), new SubsetSource(train, validation.Order()));
    }
}
