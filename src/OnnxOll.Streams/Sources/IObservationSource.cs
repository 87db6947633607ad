using OnnxOll.Streams.Data;
using OnnxOll.Streams.Log;

namespace OnnxOll.Streams.Sources;

/// <summary>A live source: where accepted observations are kept (the ingest log or a Redis stream) and where a learner reads them back.</summary>
public interface IObservationSource : IDisposable
{
    /// <summary>The data spec recorded in the run's settings (a restart must name the same source).</summary>
    string DataSpec { get; }

    /// <summary>What opening the source repaired, if anything (one line), else null.</summary>
    string? Recovery { get; }

    /// <summary>Accepted, consumed and not yet consumed observations.</summary>
    SourceCounters Counters();

    /// <summary>Stores <paramref name="observations"/> durably (as the source defines it) and says where they went.</summary>
    /// <exception cref="IOException">The source cannot store them; none was acknowledged.</exception>
    Task<IngestReceipt> AppendAsync(IReadOnlyList<Observation> observations);

    /// <summary>The learner's stream from <paramref name="cursor"/>, the position the run's latest checkpoint covers.</summary>
    ILearnerStream OpenStream(long cursor, Func<LabelledSample, float[]> prepare, Action<string> note);
}
