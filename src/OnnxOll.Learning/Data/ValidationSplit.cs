using OnnxOll.Learning.Learner;

namespace OnnxOll.Learning.Data;

/// <summary>A validation split carved from the training images: the last <c>n</c> images of each class (in source order) are kept out of
/// the stream and evaluated instead of the test split, so settings are chosen without ever reading test data.</summary>
public static class ValidationSplit
{
    /// <summary>Splits <paramref name="train"/> into the stream and the validation images (at most <paramref name="perClass"/> per class,
    /// always leaving a class at least one stream image); neither view owns <paramref name="train"/>.</summary>
    public static (SubsetSource Stream, SubsetSource Validation) Carve(ILabelledSampleSource train, int perClass)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        var validation = new HashSet<int>();
        foreach (var group in Enumerable.Range(0, train.Labels.Count).GroupBy(i => train.Labels[i], StringComparer.Ordinal))
        {
            var indices = group.ToArray();
            validation.UnionWith(indices.Skip(Math.Max(1, indices.Length - perClass)));
        }

        var all = Enumerable.Range(0, train.Labels.Count);
        return (new SubsetSource(train, all.Where(i => !validation.Contains(i))), new SubsetSource(train, all.Where(validation.Contains)));
    }
}
