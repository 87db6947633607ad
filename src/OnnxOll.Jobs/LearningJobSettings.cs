using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Graphs;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;
using OnnxOll.Streams.Log;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Jobs;

/// <summary>Everything one learning job needs: model, stream, scenario, PET spec, learner settings and the run folder.</summary>
public sealed record LearningJobSettings
{
    /// <summary>The CLIP folder.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The stream spec opened by <see cref="Streams.StreamSpecs.Open"/>: a data set, a Redis stream or the ingest log.</summary>
    public required string DataSpec { get; init; }

    /// <summary>The run folder the job owns for its lifetime.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The order a data set's samples are streamed in (a live source is always iid).</summary>
    public ScenarioSpec Scenario { get; init; } = ScenarioSpec.Parse("iid");

    /// <summary>The PET tensors learned (an initial adapter's spec replaces it).</summary>
    public PetSpec Pet { get; init; } = PetSpec.Parse(LearnDefaults.Pet);

    /// <summary>The learner's settings.</summary>
    public LearnerOptions Learner { get; init; } = new();

    /// <summary>Continue the run the folder holds from its latest good checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Session settings of the model's graphs.</summary>
    public SessionSettings Sessions { get; init; } = SessionSettings.Default;

    /// <summary>How the frozen backbone is held.</summary>
    public FrozenPrecision Frozen { get; init; } = FrozenPrecision.Float32;

    /// <summary>PET tensors to start from (PEFT adapter folder, run, checkpoint, safetensors), or null for the seeded initialisation.</summary>
    public string? InitAdapter { get; init; }

    /// <summary>Accept an initial adapter learned on another base model.</summary>
    public bool AllowOtherModel { get; init; }

    /// <summary>Whether <see cref="Pet"/> was asked for (then an initial adapter with another spec is refused) rather than defaulted.</summary>
    public bool PetGiven { get; init; }

    /// <summary>Whether the prompts were asked for (else an initial adapter's own prompts are used).</summary>
    public bool PromptsGiven { get; init; }

    /// <summary>The ingest log's settings when the job owns one (the service); its folder is the run's <c>ingest/</c>.</summary>
    public IngestLogOptions? IngestLog { get; init; }
}
