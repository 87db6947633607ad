using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>The JSON manifest of one checkpoint: identity, run state and the checksum of its safetensors file.</summary>
internal sealed record CheckpointManifest(
    long Step,
    string ModelHash,
    string PetSpec,
    JsonObject LearnerConfig,
    IReadOnlyDictionary<string, long> Counters,
    JsonObject RngStates,
    long StreamCursor,
    JsonNode? Metrics,
    long? OptimizerStep,
    string TensorsFile,
    long TensorsBytes,
    string TensorsSha256,
    JsonObject? Plugins = null)
{
    public const string FormatName = "onnxoll-checkpoint";
    public const int Version = 2;
    public const string ChecksumField = "manifest_sha256";

    public string ToJson()
    {
        var counters = new JsonObject();
        foreach (var (k, v) in Counters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            counters[k] = v;
        }

        var json = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["step"] = Step,
            ["model_hash"] = ModelHash,
            ["pet_spec"] = PetSpec,
            ["learner_config"] = LearnerConfig.DeepClone(),
            ["counters"] = counters,
            ["rng_states"] = RngStates.DeepClone(),
            ["stream_cursor"] = StreamCursor,
            ["metrics"] = Metrics?.DeepClone(),
            ["optimizer_step"] = OptimizerStep,
            ["tensors_file"] = TensorsFile,
            ["tensors_bytes"] = TensorsBytes,
            ["tensors_sha256"] = TensorsSha256,
            ["plugins"] = Plugins?.DeepClone(),
            ["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        json[ChecksumField] = Checksum(json);
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>SHA-256 of the manifest's compact JSON without its checksum field (property order as written).</summary>
    private static string Checksum(JsonObject json)
    {
        var copy = json.DeepClone().AsObject();
        copy.Remove(ChecksumField);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(copy.ToJsonString())));
    }

    /// <summary>Parses a manifest; throws <see cref="InvalidDataException"/> naming the file and field.</summary>
    public static CheckpointManifest Parse(string text, string path)
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"Checkpoint manifest '{path}': not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Checkpoint manifest '{path}': not valid JSON: {ex.Message}", ex);
        }

        try
        {
            string format = Get(o, "format", path).GetValue<string>();
            int version = Get(o, "version", path).GetValue<int>();
            if (format != FormatName || version != Version)
            {
                throw new InvalidDataException($"Checkpoint manifest '{path}': format '{format}' version {version}, expected '{FormatName}' version {Version}.");
            }

            string stored = Get(o, ChecksumField, path).GetValue<string>();
            string actual = Checksum(o);
            if (!string.Equals(stored, actual, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Checkpoint manifest '{path}': field '{ChecksumField}' is {stored}, the manifest's content hashes to {actual} (edited or corrupt).");
            }

            var manifest = new CheckpointManifest(
                Get(o, "step", path).GetValue<long>(),
                Get(o, "model_hash", path).GetValue<string>(),
                Get(o, "pet_spec", path).GetValue<string>(),
                Get(o, "learner_config", path).AsObject().DeepClone().AsObject(),
                Get(o, "counters", path).AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<long>(), StringComparer.Ordinal),
                Get(o, "rng_states", path).AsObject().DeepClone().AsObject(),
                Get(o, "stream_cursor", path).GetValue<long>(),
                o["metrics"]?.DeepClone(),
                o["optimizer_step"]?.GetValue<long>(),
                Get(o, "tensors_file", path).GetValue<string>(),
                Get(o, "tensors_bytes", path).GetValue<long>(),
                Get(o, "tensors_sha256", path).GetValue<string>(),
                o["plugins"]?.AsObject().DeepClone().AsObject());
            manifest.Validate(path);
            return manifest;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"Checkpoint manifest '{path}': {ex.Message}", ex);
        }
    }

    private void Validate(string path)
    {
        void Require(bool ok, string field, string expected, object? actual)
        {
            if (!ok)
            {
                throw new InvalidDataException($"Checkpoint manifest '{path}': field '{field}' is {actual}, expected {expected}.");
            }
        }

        string expectedName = $"ckpt-{Step.ToString("D8", CultureInfo.InvariantCulture)}";
        Require(Step >= 0, "step", "a step >= 0", Step);
        Require(Path.GetFileNameWithoutExtension(path) == expectedName, "step", $"the step of its file name '{Path.GetFileName(path)}'", Step);
        Require(ModelHash.Length > 0, "model_hash", "a model hash", "empty");
        Require(PetSpec.Length > 0, "pet_spec", "a PET spec", "empty");
        Require(StreamCursor >= 0, "stream_cursor", "a position >= 0", StreamCursor);
        Require(OptimizerStep is null or >= 0, "optimizer_step", "a step >= 0", OptimizerStep);
        Require(TensorsFile == expectedName + ".safetensors", "tensors_file", $"'{expectedName}.safetensors'", $"'{TensorsFile}'");
        Require(TensorsBytes > 8, "tensors_bytes", "a file length > 8", TensorsBytes);
        Require(TensorsSha256.Length == 64 && TensorsSha256.All(char.IsAsciiHexDigit), "tensors_sha256", "64 hex digits", $"'{TensorsSha256}'");
        foreach (var (name, value) in Counters)
        {
            Require(value >= (name == "task" ? -1 : 0), $"counters.{name}", name == "task" ? "a task >= -1" : "a count >= 0", value);
        }
    }

    private static JsonNode Get(JsonObject o, string field, string path) =>
        o[field] ?? throw new InvalidDataException($"Checkpoint manifest '{path}': field '{field}' is missing.");
}
