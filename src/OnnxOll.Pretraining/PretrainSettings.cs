using System.Globalization;
using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Pretraining;

/// <summary>How a CLIP is pretrained: schedule, optimizer, captions, class selection and augmentation (a recipe's <c>pretrain</c> object).</summary>
public sealed record PretrainSettings
{
    /// <summary>Passes over the training images.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Image-caption pairs per step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Peak learning rate (after warm-up).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Linear warm-up steps from 0 to the peak; cosine decay to 0 follows.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>Decoupled weight decay on parameters of 2 or more dimensions.</summary>
    public float WeightDecay { get; init; } = 0.1f;

    /// <summary>AdamW β₁.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>AdamW β₂ (0.98 for CLIP's ViTs).</summary>
    public float Beta2 { get; init; } = 0.98f;

    /// <summary>AdamW ε (1e-6 for CLIP's ViTs).</summary>
    public float Epsilon { get; init; } = 1e-6f;

    /// <summary>Caption templates, one drawn per image ("{}" marks the class phrase).</summary>
    public IReadOnlyList<string> Templates { get; init; } = ["a photo of a {}."];

    /// <summary>The class phrase with a superclass, used when a label hierarchy is given ("{class}" and "{superclass}" mark the names).</summary>
    public string SuperclassPhrase { get; init; } = "{class}, a kind of {superclass}";

    /// <summary>Probability that a caption uses <see cref="SuperclassPhrase"/> (when a hierarchy is given).</summary>
    public double SuperclassProbability { get; init; } = 0.5;

    /// <summary>Classes to pretrain on, drawn by <see cref="ClassSeed"/> from the data's classes (0: all).</summary>
    public int BaseClasses { get; init; }

    /// <summary>Seed of the base-class draw (independent of the training seed, so every seed pretrains on the same classes).</summary>
    public int ClassSeed { get; init; } = 1;

    /// <summary>Training images per class (0: all); small values make micro recipes for tests.</summary>
    public int MaxPerClass { get; init; }

    /// <summary>Random-crop padding in pixels (0: no crop).</summary>
    public int Pad { get; init; } = 4;

    /// <summary>Random horizontal flip.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Test images per class for the zero-shot evaluation after each epoch (0: all).</summary>
    public int EvalPerClass { get; init; } = 100;

    /// <summary>The prompt used by the zero-shot evaluation.</summary>
    public string EvalTemplate { get; init; } = "a photo of a {}.";

    /// <summary>Reads the settings from a recipe's <c>pretrain</c> object; unknown fields are refused naming the file.</summary>
    public static PretrainSettings FromJson(JsonObject o, string where)
    {
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "epochs", "batch", "lr", "warmup_steps", "weight_decay", "beta1", "beta2", "epsilon", "templates", "superclass_phrase",
            "superclass_probability", "base_classes", "class_seed", "max_per_class", "pad", "flip", "eval_per_class", "eval_template",
        };
        foreach (var (key, _) in o)
        {
            if (!known.Contains(key))
            {
                throw new InvalidDataException($"{where}: unknown field 'pretrain.{key}' (known: {string.Join(", ", known)}).");
            }
        }

        var d = new PretrainSettings();
        var s = new PretrainSettings
        {
            Epochs = Int(o, "epochs", d.Epochs, where, 1),
            BatchSize = Int(o, "batch", d.BatchSize, where, 2),
            LearningRate = (float)Number(o, "lr", d.LearningRate, where),
            WarmupSteps = Int(o, "warmup_steps", d.WarmupSteps, where, 0),
            WeightDecay = (float)Number(o, "weight_decay", d.WeightDecay, where),
            Beta1 = (float)Number(o, "beta1", d.Beta1, where),
            Beta2 = (float)Number(o, "beta2", d.Beta2, where),
            Epsilon = (float)Number(o, "epsilon", d.Epsilon, where),
            Templates = o["templates"] is { } t ? [.. Array(t, "templates", where).Select(x => Text(x, "templates", where))] : d.Templates,
            SuperclassPhrase = o["superclass_phrase"] is { } p ? Text(p, "superclass_phrase", where) : d.SuperclassPhrase,
            SuperclassProbability = Number(o, "superclass_probability", d.SuperclassProbability, where),
            BaseClasses = Int(o, "base_classes", d.BaseClasses, where, 0),
            ClassSeed = Int(o, "class_seed", d.ClassSeed, where, int.MinValue),
            MaxPerClass = Int(o, "max_per_class", d.MaxPerClass, where, 0),
            Pad = Int(o, "pad", d.Pad, where, 0),
            Flip = o["flip"] is { } f ? JsonFields.Value<bool>(f, "pretrain.flip", where) : d.Flip,
            EvalPerClass = Int(o, "eval_per_class", d.EvalPerClass, where, 0),
            EvalTemplate = o["eval_template"] is { } e ? Text(e, "eval_template", where) : d.EvalTemplate,
        };
        s.Validate(where);
        return s;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the field when a value is out of range.</summary>
    public void Validate(string where)
    {
        Check(LearningRate > 0 && float.IsFinite(LearningRate), "lr", LearningRate, "> 0");
        Check(WeightDecay >= 0 && float.IsFinite(WeightDecay), "weight_decay", WeightDecay, ">= 0");
        Check(Beta1 is >= 0 and < 1, "beta1", Beta1, "in [0, 1)");
        Check(Beta2 is >= 0 and < 1, "beta2", Beta2, "in [0, 1)");
        Check(Epsilon > 0, "epsilon", Epsilon, "> 0");
        Check(SuperclassProbability is >= 0 and <= 1, "superclass_probability", SuperclassProbability, "in [0, 1]");
        if (Templates.Count == 0 || Templates.Any(t => !t.Contains("{}", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"{where}: field 'pretrain.templates' needs at least one template, each with '{{}}' for the class.");
        }

        if (!SuperclassPhrase.Contains("{class}", StringComparison.Ordinal) || !SuperclassPhrase.Contains("{superclass}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{where}: field 'pretrain.superclass_phrase' must contain '{{class}}' and '{{superclass}}', got '{SuperclassPhrase}'.");
        }

        void Check(bool ok, string field, double value, string expected)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{where}: field 'pretrain.{field}' must be {expected}, got {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }
    }

    /// <summary>The settings as the recipe's JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["epochs"] = Epochs,
        ["batch"] = BatchSize,
        ["lr"] = Exact(LearningRate),
        ["warmup_steps"] = WarmupSteps,
        ["weight_decay"] = Exact(WeightDecay),
        ["beta1"] = Exact(Beta1),
        ["beta2"] = Exact(Beta2),
        ["epsilon"] = Exact(Epsilon),
        ["templates"] = new JsonArray([.. Templates.Select(t => (JsonNode?)t)]),
        ["superclass_phrase"] = SuperclassPhrase,
        ["superclass_probability"] = SuperclassProbability,
        ["base_classes"] = BaseClasses,
        ["class_seed"] = ClassSeed,
        ["max_per_class"] = MaxPerClass,
        ["pad"] = Pad,
        ["flip"] = Flip,
        ["eval_per_class"] = EvalPerClass,
        ["eval_template"] = EvalTemplate,
    };

    /// <summary>The float as the double of its shortest decimal form (1e-3f → 0.001, not 0.0010000000474974513).</summary>
    private static double Exact(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static int Int(JsonObject o, string field, int fallback, string where, int min)
    {
        if (o[field] is not { } node)
        {
            return fallback;
        }

        int value = JsonFields.Value<int>(node, "pretrain." + field, where);
        return value >= min ? value : throw new InvalidDataException($"{where}: field 'pretrain.{field}' must be >= {min}, got {value}.");
    }

    private static double Number(JsonObject o, string field, double fallback, string where) =>
        o[field] is { } node ? JsonFields.Value<double>(node, "pretrain." + field, where) : fallback;

    private static string Text(JsonNode? node, string field, string where) =>
        JsonFields.Value<string>(node ?? throw new InvalidDataException($"{where}: field 'pretrain.{field}' is null, expected a string."), "pretrain." + field, where);

    private static JsonArray Array(JsonNode node, string field, string where) =>
        node as JsonArray ?? throw new InvalidDataException($"{where}: field 'pretrain.{field}' is {JsonFields.Describe(node)}, expected an array of strings.");
}
