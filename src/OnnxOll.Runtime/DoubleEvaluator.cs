using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Runtime;

/// <summary>Runs models on inputs given as doubles (converted to each input's declared type) and returns outputs as doubles.</summary>
/// <remarks>For checks such as finite differences, not for training loops: it allocates per run. One session is cached per
/// model instance; symbolic input dimensions take their sizes from <paramref name="dimSizes"/>. Owns its sessions.</remarks>
public sealed class DoubleEvaluator(SessionSettings? settings = null, IReadOnlyDictionary<string, long>? dimSizes = null) : IDisposable
{
    private readonly Dictionary<ModelProto, OnnxSession> sessions = new(ReferenceEqualityComparer.Instance);

    /// <summary>Runs <paramref name="model"/> and returns every graph output, flattened.</summary>
    public IReadOnlyDictionary<string, double[]> Evaluate(ModelProto model, IReadOnlyDictionary<string, double[]> inputs)
    {
        if (!sessions.TryGetValue(model, out var session))
        {
            session = SessionFactory.FromModel(model, settings ?? SessionSettings.Create(intraOpThreads: 1));
            sessions[model] = session;
        }

        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var values = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (var v in model.Graph.Input.Where(v => !initializers.Contains(v.Name)))
            {
                var shape = v.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? Size(d.DimParam) : d.DimValue).ToArray();
                var data = inputs.TryGetValue(v.Name, out var given) ? given : throw new ArgumentException($"No value for input '{v.Name}'.", nameof(inputs));
                values[v.Name] = (DataType)v.Type.TensorType.ElemType switch
                {
                    DataType.Float => OrtValue.CreateTensorValueFromMemory(data.Select(x => (float)x).ToArray(), shape),
                    DataType.Double => OrtValue.CreateTensorValueFromMemory(data.ToArray(), shape),
                    DataType.Int64 => OrtValue.CreateTensorValueFromMemory(data.Select(x => (long)x).ToArray(), shape),
                    DataType.Bool => OrtValue.CreateTensorValueFromMemory(data.Select(x => x != 0).ToArray(), shape),
                    var t => throw new NotSupportedException($"Input '{v.Name}' has type {t}, which the evaluator does not convert."),
                };
            }

            using var results = session.Run(values);
            var outputs = new Dictionary<string, double[]>(StringComparer.Ordinal);
            for (int i = 0; i < session.OutputNames.Count; i++)
            {
                outputs[session.OutputNames[i]] = ToDoubles(results[i], session.OutputNames[i]);
            }

            return outputs;
        }
        finally
        {
            foreach (var v in values.Values)
            {
                v.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in sessions.Values)
        {
            s.Dispose();
        }

        sessions.Clear();
    }

    private long Size(string param) =>
        dimSizes is not null && dimSizes.TryGetValue(param, out long size) ? size : throw new ArgumentException($"No size given for symbolic dimension '{param}'.");

    private static double[] ToDoubles(OrtValue value, string name) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => [.. value.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x)],
        TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
        TensorElementType.Int64 => [.. value.GetTensorDataAsSpan<long>().ToArray().Select(x => (double)x)],
        TensorElementType.Bool => [.. value.GetTensorDataAsSpan<bool>().ToArray().Select(x => x ? 1.0 : 0.0)],
        var t => throw new NotSupportedException($"Output '{name}' has type {t}, which the evaluator does not convert."),
    };
}
