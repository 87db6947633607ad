using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Tests;

/// <summary>Runs models in ONNX Runtime for the checks: one cached session per model, inputs converted to declared types.</summary>
/// <remarks>Symbolic input dimensions take their sizes from <paramref name="dimSizes"/>.</remarks>
public sealed class OrtEvaluator(GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL, IReadOnlyDictionary<string, long>? dimSizes = null) : IDisposable
{
    private readonly Dictionary<ModelProto, InferenceSession> sessions = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyDictionary<string, double[]> Evaluate(ModelProto model, IReadOnlyDictionary<string, double[]> inputs)
    {
        if (!sessions.TryGetValue(model, out var session))
        {
            using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1 };
            session = new InferenceSession(model.ToByteArray(), options);
            sessions[model] = session;
        }

        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var v in model.Graph.Input.Where(v => !initializers.Contains(v.Name)))
            {
                var shape = v.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? dimSizes![d.DimParam] : d.DimValue).ToArray();
                var data = inputs[v.Name];
                names.Add(v.Name);
                values.Add((DataType)v.Type.TensorType.ElemType switch
                {
                    DataType.Float => OrtValue.CreateTensorValueFromMemory(data.Select(x => (float)x).ToArray(), shape),
                    DataType.Double => OrtValue.CreateTensorValueFromMemory(data.ToArray(), shape),
                    DataType.Int64 => OrtValue.CreateTensorValueFromMemory(data.Select(x => (long)x).ToArray(), shape),
                    DataType.Bool => OrtValue.CreateTensorValueFromMemory(data.Select(x => x != 0).ToArray(), shape),
                    var t => throw new NotSupportedException($"Input '{v.Name}' of type {t}."),
                });
            }

            var outputNames = model.Graph.Output.Select(o => o.Name).ToArray();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputNames);
            var outputs = new Dictionary<string, double[]>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                var r = results[i];
                outputs[outputNames[i]] = r.GetTensorTypeAndShape().ElementDataType switch
                {
                    TensorElementType.Float => [.. r.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x)],
                    TensorElementType.Double => r.GetTensorDataAsSpan<double>().ToArray(),
                    TensorElementType.Int64 => [.. r.GetTensorDataAsSpan<long>().ToArray().Select(x => (double)x)],
                    TensorElementType.Bool => [.. r.GetTensorDataAsSpan<bool>().ToArray().Select(x => x ? 1.0 : 0.0)],
                    var t => throw new NotSupportedException($"Output '{outputNames[i]}' of type {t}."),
                };
            }

            return outputs;
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var s in sessions.Values)
        {
            s.Dispose();
        }

        sessions.Clear();
    }
}
