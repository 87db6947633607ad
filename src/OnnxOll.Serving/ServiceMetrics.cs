using Prometheus;

namespace OnnxOll.Serving;

/// <summary>The service's Prometheus collectors, in a registry of its own (one per server).</summary>
public sealed class ServiceMetrics
{
    /// <summary>Creates the collectors in a fresh registry.</summary>
    public ServiceMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Ingested = factory.CreateCounter("onnxoll_ingested_observations_total", "Observations durably appended to the ingest log.");
        Rejected = factory.CreateCounter("onnxoll_rejected_requests_total", "Ingest requests refused.", "reason");
        Learned = factory.CreateCounter("onnxoll_learned_samples_total", "Samples the learner trained on.");
        SkippedImages = factory.CreateGauge("onnxoll_skipped_images", "Logged images the learner could not prepare.");
        SkippedSteps = factory.CreateGauge("onnxoll_skipped_steps", "Gradient steps skipped because the loss or a gradient was not finite.");
        Lag = factory.CreateGauge("onnxoll_lag_records", "Log records durably appended but not yet learned.");
        Loss = factory.CreateGauge("onnxoll_loss", "Loss of the last gradient step.");
        BatchSeconds = factory.CreateHistogram("onnxoll_batch_seconds", "Time to learn one micro-batch (all its gradient steps).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        PredictSeconds = factory.CreateHistogram("onnxoll_predict_seconds", "Latency of /v1/predict.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Observations appended.</summary>
    public Counter Ingested { get; }

    /// <summary>Ingest requests refused, by reason.</summary>
    public Counter Rejected { get; }

    /// <summary>Samples learned.</summary>
    public Counter Learned { get; }

    /// <summary>Images skipped by the learner.</summary>
    public Gauge SkippedImages { get; }

    /// <summary>Steps skipped by the learner.</summary>
    public Gauge SkippedSteps { get; }

    /// <summary>Records not yet learned.</summary>
    public Gauge Lag { get; }

    /// <summary>Last step's loss.</summary>
    public Gauge Loss { get; }

    /// <summary>Seconds per learned batch.</summary>
    public Histogram BatchSeconds { get; }

    /// <summary>Seconds per prediction.</summary>
    public Histogram PredictSeconds { get; }
}
