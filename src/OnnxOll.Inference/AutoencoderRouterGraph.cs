using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Inference;

/// <summary>An <see cref="AutoencoderRouter"/> as an ONNX graph, so a deployment routes as OnnxOll does: input the frozen model's
/// L2-normalised image embeddings [n, P]; outputs every autoencoder's reconstruction error [n, K], the best one's index [n] and
/// whether the input goes to the frozen model [n] (its best error is above that autoencoder's threshold).</summary>
public static class AutoencoderRouterGraph
{
    /// <summary>The graph's file name in an export.</summary>
    public const string FileName = "router.onnx";

    /// <summary>Input: image embeddings of the frozen model (vision.onnx without PET), [n, projection_dim].</summary>
    public const string Input = "frozen_image_embeds";

    /// <summary>Output: mean_j (ReLU(x·W1 + b1)·W2 + b2 − x)²_j of every autoencoder, [n, autoencoders].</summary>
    public const string Errors = "reconstruction_errors";

    /// <summary>Output: index of the autoencoder with the smallest error (the first on ties), int64 [n].</summary>
    public const string Best = "best_autoencoder";

    /// <summary>Output: true to serve the input with the frozen model, bool [n].</summary>
    public const string ToFrozen = "to_frozen";

    /// <summary>Initializer: each autoencoder's threshold, [autoencoders].</summary>
    public const string Thresholds = "thresholds";

    /// <summary>The graph of <paramref name="router"/>'s autoencoders, their weights and thresholds as initializers (copied).</summary>
    /// <exception cref="ArgumentException">The router has no autoencoder (then every input goes to the frozen model).</exception>
    public static ModelProto Build(AutoencoderRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var list = router.Autoencoders;
        if (list.Count == 0)
        {
            throw new ArgumentException("The DDAS router has no autoencoder: every input goes to the frozen model, there is no graph to build.", nameof(router));
        }

        int dimension = list[0].Dimension;
        var g = new GraphBuilder("ddas-router");
        g.Input(Input, DataType.Float, "n", dimension);
        var errors = new string[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var autoencoder = list[i];
            if (autoencoder.Dimension != dimension)
            {
                throw new ArgumentException($"DDAS autoencoder {i} reads embeddings of width {autoencoder.Dimension}, autoencoder 0 of width {dimension}.", nameof(router));
            }

            var names = AutoencoderRouter.ParameterNamesOf(i).ToArray();
            long[][] shapes = [[dimension, autoencoder.Hidden], [autoencoder.Hidden], [autoencoder.Hidden, dimension], [dimension]];
            var w = names.Select((name, p) => g.Initializer<float>(name, autoencoder.Parameters[p].Span, shapes[p])).ToArray();
            string code = g.Op("Relu", g.Op("Add", g.Op("MatMul", Input, w[0]), w[1]));
            string difference = g.Op("Sub", g.Op("Add", g.Op("MatMul", code, w[2]), w[3]), Input);
            errors[i] = g.Op("ReduceMean", [g.Op("Mul", difference, difference), g.ConstInt64(1)], Attr.Int("keepdims", 1));
        }

        string thresholds = g.Initializer<float>(Thresholds, list.Select(a => a.Threshold).ToArray(), list.Count);
        g.AddNode("Concat", errors, [Errors], [Attr.Int("axis", 1)]);
        g.AddNode("ArgMin", [Errors], [Best], [Attr.Int("axis", 1), Attr.Int("keepdims", 0), Attr.Int("select_last_index", 0)]);
        string best = g.Op("ReduceMin", [Errors, g.ConstInt64(1)], Attr.Int("keepdims", 0));
        g.AddNode("Not", [g.Op("LessOrEqual", best, g.Op("Gather", thresholds, Best))], [ToFrozen]);
        g.Output(Errors, DataType.Float, "n", list.Count);
        g.Output(Best, DataType.Int64, "n");
        g.Output(ToFrozen, DataType.Bool, "n");
        return g.Model;
    }

    /// <summary>The router a graph of <see cref="Build"/> holds (its initializers), e.g. read back from an export.</summary>
    /// <param name="model">The graph.</param>
    /// <param name="where">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">An initializer is missing or of the wrong size.</exception>
    public static AutoencoderRouter Read(ModelProto model, string where)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byName = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        float[] thresholds = byName.TryGetValue(Thresholds, out var t) ? Tensors.ToArray<float>(t)
            : throw new InvalidDataException($"{where}: initializer '{Thresholds}' is missing.");
        var list = new List<RoutingAutoencoder>();
        for (int i = 0; i < thresholds.Length; i++)
        {
            var w = AutoencoderRouter.ParameterNamesOf(i).Select(name => byName.TryGetValue(name, out var tensor) ? Tensors.ToArray<float>(tensor)
                : throw new InvalidDataException($"{where}: initializer '{name}' is missing ({thresholds.Length} thresholds).")).ToArray();
            try
            {
                list.Add(new RoutingAutoencoder(w[0], w[1], w[2], w[3]) { Threshold = thresholds[i] });
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{where}: autoencoder {i}: {e.Message}", e);
            }
        }

        return new AutoencoderRouter(list);
    }
}
