using System.Globalization;
using System.Text.Json.Nodes;

namespace OnnxOll.Learning.Learner;

/// <summary>Settings of an online learning run (the paper's defaults where it has them).</summary>
public sealed record LearnerOptions
{
    /// <summary>Images per incoming stream batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Gradient steps per incoming batch (the paper's online_iter).</summary>
    public int Iterations { get; init; } = 3;

    /// <summary>AdamW learning rate.</summary>
    public float LearningRate { get; init; } = 5e-4f;

    /// <summary>AdamW decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = 1e-5f;

    /// <summary>SIT (batch labels) or the all-seen baseline.</summary>
    public LossKind Loss { get; init; } = LossKind.Sit;

    /// <summary>The official code's quirk: cross-entropy over softmax probabilities.</summary>
    public bool CompatDoubleSoftmax { get; init; }

    /// <summary>Reset the AdamW state at each task boundary (as the paper does).</summary>
    public bool ResetOptimizerAtTaskBoundary { get; init; } = true;

    /// <summary>Global gradient-norm clipping threshold; 0 disables it.</summary>
    public float ClipGradNorm { get; init; }

    /// <summary>Anytime evaluation interval in stream samples (A_auc); 0 disables it.</summary>
    public int EvalEvery { get; init; } = 1000;

    /// <summary>Checkpoint every this many stream batches; 0 disables checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>Checkpoints kept on disk.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Seed of the PET initialisation.</summary>
    public int Seed { get; init; }

    /// <summary>Test images per class used by evaluations (0: all).</summary>
    public int EvalPerClass { get; init; }

    /// <summary>Classes held out of the stream for the zero-shot retention check.</summary>
    public int HoldoutClasses { get; init; }

    /// <summary>Named classes held out of the stream (e.g. a pretrained model's base classes); overrides <see cref="HoldoutClasses"/>.</summary>
    public IReadOnlyList<string> HoldoutClassNames { get; init; } = [];

    /// <summary>Where <see cref="HoldoutClassNames"/> came from (e.g. the file), named when one is not a class of the data.</summary>
    public string? HoldoutClassSource { get; init; }

    /// <summary>No gradient steps: the stream only brings its classes into the vocabulary, so evaluations measure the untrained model.</summary>
    public bool ZeroShot { get; init; }

    /// <summary>Adapter dropout active during training (ONNX Runtime draws its masks; turn off for bit-exact replays).</summary>
    public bool Dropout { get; init; }

    /// <summary>Fail on an undecodable image instead of skipping it.</summary>
    public bool Strict { get; init; }

    /// <summary>Weight w of prototype logits mixed with the text logits at evaluation: a class scores (1 − w) · cos(image, text) +
    /// w · cos(image, running mean of its stream images). 0: text only; 1 with <see cref="ZeroShot"/>: running class means alone.</summary>
    public float PrototypeWeight { get; init; }

    /// <summary>Weight λ of the all-seen term: each step's loss is (1 − λ) · SIT + λ · (softmax over every class seen so far). 0: SIT only.</summary>
    public float SeenWeight { get; init; }

    /// <summary>Weight μ of distillation to the frozen model: μ · cross-entropy from the frozen model's distribution over
    /// <see cref="DistillClassNames"/> to the learner's, on the stream's images. 0: off.</summary>
    public float DistillWeight { get; init; }

    /// <summary>The distillation's reference vocabulary (class names).</summary>
    public IReadOnlyList<string> DistillClassNames { get; init; } = [];

    /// <summary>Methods the learner adds as plugins (<c>--method replay:memory=500</c>; see <see cref="Methods.MethodCatalog"/>), in order.</summary>
    public IReadOnlyList<Methods.MethodSpec> Methods { get; init; } = [];

    /// <summary>Adam learning rate of the learned per-class text offsets (0: no offsets).</summary>
    public float TextOffsetLearningRate { get; init; }

    /// <summary>Training images per class kept out of the stream and evaluated instead of the test split (0: evaluate on the test split):
    /// the validation data settings are chosen on.</summary>
    public int ValidationPerClass { get; init; }

    /// <summary>The first training images of each class left out of the stream (e.g. those the backbone was pretrained on).</summary>
    public int SkipPerClass { get; init; }

    /// <summary>Folder of TensorBoard event files for the run's scalars (null: none); not a learning setting, so not recorded.</summary>
    public string? TensorBoardDirectory { get; init; }

    /// <summary>Prompt templates ("{}" marks the class name).</summary>
    public IReadOnlyList<string> Prompts { get; init; } = ["a bad photo of a {}."];

    /// <summary>Keys of <see cref="ToJson"/> a resume may change: they decide what is measured or saved, not what is learned.</summary>
    public static IReadOnlySet<string> ChangeableOnResume { get; } = new HashSet<string>(StringComparer.Ordinal) { "eval_every", "eval_per_class", "checkpoint_every" };

    /// <summary>Keys of <see cref="ToJson"/> written only when set: absent means 0.</summary>
    public static IReadOnlyList<string> ZeroWhenAbsent { get; } =
        ["prototype_weight", "seen_weight", "distill_weight", "text_offset_lr", "skip_per_class", "validation_per_class"];

    /// <summary>The settings as JSON, for checkpoint manifests and run summaries.</summary>
    /// <remarks><c>prototype_weight</c>, the mechanisms' weights, <c>methods</c>, <c>skip_per_class</c> and <c>validation_per_class</c> are written only when set: absent means 0, so runs started before
    /// they existed still resume.</remarks>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["batch"] = BatchSize,
            ["iters"] = Iterations,
            ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["weight_decay"] = WeightDecay.ToString("R", CultureInfo.InvariantCulture),
            ["loss"] = Loss.ToString().ToLowerInvariant(),
            ["compat_double_softmax"] = CompatDoubleSoftmax,
            ["reset_optimizer_at_task_boundary"] = ResetOptimizerAtTaskBoundary,
            ["clip_grad_norm"] = ClipGradNorm.ToString("R", CultureInfo.InvariantCulture),
            ["eval_every"] = EvalEvery,
            ["checkpoint_every"] = CheckpointEvery,
            ["seed"] = Seed,
            ["eval_per_class"] = EvalPerClass,
            ["holdout_classes"] = HoldoutClasses,
            ["holdout_class_names"] = new JsonArray([.. HoldoutClassNames.Select(n => (JsonNode?)n)]),
            ["dropout"] = Dropout,
            ["zero_shot"] = ZeroShot,
            ["prompts"] = new JsonArray(Prompts.Select(p => (JsonNode?)p).ToArray()),
        };
        if (PrototypeWeight > 0)
        {
            json["prototype_weight"] = PrototypeWeight.ToString("R", CultureInfo.InvariantCulture);
        }

        if (SeenWeight > 0)
        {
            json["seen_weight"] = SeenWeight.ToString("R", CultureInfo.InvariantCulture);
        }

        if (DistillWeight > 0)
        {
            json["distill_weight"] = DistillWeight.ToString("R", CultureInfo.InvariantCulture);
            json["distill_class_names"] = new JsonArray([.. DistillClassNames.Select(n => (JsonNode?)n)]);
        }

        if (Methods.Count > 0)
        {
            json["methods"] = new JsonArray([.. Methods.Select(m => (JsonNode?)m.ToString())]);
        }

        if (TextOffsetLearningRate > 0)
        {
            json["text_offset_lr"] = TextOffsetLearningRate.ToString("R", CultureInfo.InvariantCulture);
        }

        if (SkipPerClass > 0)
        {
            json["skip_per_class"] = SkipPerClass;
        }

        if (ValidationPerClass > 0)
        {
            json["validation_per_class"] = ValidationPerClass;
        }

        return json;
    }
}
