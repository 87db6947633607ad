using System.Text.Json.Nodes;
using OnnxOll.Inference;
using OnnxOll.Onnx.Models;

namespace OnnxOll.Deploy.Export;

/// <summary>The routing part of an export of a run learned with DDAS: the autoencoders as <c>router.onnx</c> and the manifest's
/// <c>routing</c> section, which states the rule so a deployment routes as OnnxOll does.</summary>
public static class RouterExport
{
    /// <summary>The class features of the frozen model (no PET), scored for inputs routed to it.</summary>
    public const string FrozenClassEmbeddingsFileName = "class_embeddings_frozen.safetensors";

    /// <summary>Writes <paramref name="router"/>'s graph into <paramref name="outDir"/> (none when it has no autoencoder); returns the
    /// manifest's <c>routing</c> section.</summary>
    public static JsonObject Write(AutoencoderRouter router, string outDir)
    {
        ArgumentNullException.ThrowIfNull(router);
        var routing = new JsonObject
        {
            ["method"] = "ddas",
            ["what"] = "DDAS (MoE-Adapters4CL's Distribution-Discriminative Auto-Selector): one autoencoder per learned distribution over the frozen "
                + "model's image embeddings; an image none of them reconstructs well is served by the frozen (zero-shot) model instead of the learned PET",
            ["autoencoders"] = router.Autoencoders.Count,
            ["thresholds"] = new JsonArray([.. router.Autoencoders.Select(a => (JsonNode?)a.Threshold)]),
        };
        if (router.Autoencoders.Count == 0)
        {
            routing["graph"] = null;
            routing["rule"] = "the run learned no distribution yet: serve every image with the frozen model (vision.onnx and text.onnx without PET inputs)";
            return routing;
        }

        var model = AutoencoderRouterGraph.Build(router);
        string path = Path.Combine(outDir, AutoencoderRouterGraph.FileName);
        ModelIO.Save(model, path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
        routing["graph"] = GraphSignature.Describe(model, AutoencoderRouterGraph.FileName);
        routing["hidden"] = router.Autoencoders[0].Hidden;
        routing["input"] = $"{AutoencoderRouterGraph.Input}: [n, projection_dim] image embeddings of vision.onnx run WITHOUT PET (the base model: "
            + "PET inputs not fed when optional, or fed zeros), L2-normalised as vision.onnx outputs them";
        routing["outputs"] = new JsonObject
        {
            [AutoencoderRouterGraph.Errors] = "[n, autoencoders] mean_j (ReLU(x·W1 + b1)·W2 + b2 − x)²_j of each autoencoder",
            [AutoencoderRouterGraph.Best] = "[n] int64 index of the autoencoder with the smallest error (the first on ties)",
            [AutoencoderRouterGraph.ToFrozen] = "[n] bool: the smallest error is above that autoencoder's threshold (thresholds[best_autoencoder]), or is NaN",
        };
        routing["rule"] = "per image: (1) run vision.onnx without PET and feed its image_embeds to router.onnx; (2) if to_frozen, classify that frozen "
            + "embedding against the frozen model's class features (" + FrozenClassEmbeddingsFileName + ", or text.onnx without PET); (3) else run "
            + "vision.onnx with the learned PET (pet.safetensors or vision.onnx_adapter) and classify against " + ModelExporter.ClassEmbeddingsFileName
            + " (text.onnx with the learned PET); the thresholds are already inside router.onnx";
        return routing;
    }

    /// <summary>The router of an export whose manifest has a <c>routing</c> section (null: none, the learned model serves every image).</summary>
    /// <exception cref="InvalidDataException">The section or its graph is damaged; the message names the file.</exception>
    public static AutoencoderRouter? Read(JsonObject manifest, string directory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string manifestPath = Path.Combine(directory, ModelExporter.ManifestFileName);
        if (manifest["routing"] is not JsonObject routing)
        {
            return null;
        }

        if (routing["graph"] is not JsonObject graph)
        {
            return new AutoencoderRouter([]);
        }

        string file = graph["file"] is JsonValue value && value.TryGetValue(out string? name) ? name
            : throw new InvalidDataException($"{manifestPath}: field 'routing.graph.file' is missing.");
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file does not exist (listed as 'routing.graph.file' in {manifestPath}).", path);
        }

        return AutoencoderRouterGraph.Read(ModelIO.Load(path), path);
    }
}
