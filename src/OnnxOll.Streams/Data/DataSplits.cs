namespace OnnxOll.Streams.Data;

/// <summary>The training source and the optional test source opened from one data spec; disposing disposes both.</summary>
public sealed class DataSplits(ILabelledSampleSource train, ILabelledSampleSource? test) : IDisposable
{
    /// <summary>The samples to stream.</summary>
    public ILabelledSampleSource Train { get; } = train;

    /// <summary>The held-out samples for evaluation, when the data has a test split.</summary>
    public ILabelledSampleSource? Test { get; } = test;

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test?.Dispose();
    }
}
