using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>Runs a saved ONNX model with ONNX Runtime (graph optimisations on) and returns every output as double[].</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession session;

    public OrtRunner(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        session = new InferenceSession(modelPath, options);
    }

    public IReadOnlyList<string> InputNames => session.InputNames;

    public Dictionary<string, double[]> Run(IReadOnlyDictionary<string, (Array Data, long[] Shape)> inputs)
    {
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, (data, shape)) in inputs)
            {
                values[name] = data switch
                {
                    float[] f => OrtValue.CreateTensorValueFromMemory(f, shape),
                    double[] d => OrtValue.CreateTensorValueFromMemory(d, shape),
                    long[] l => OrtValue.CreateTensorValueFromMemory(l, shape),
                    _ => throw new ArgumentException($"unsupported input type for '{name}'"),
                };
            }

            using var outputs = session.Run(new RunOptions(), values, session.OutputNames);
            var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
            for (int i = 0; i < outputs.Count; i++)
            {
                var o = outputs[i];
                result[session.OutputNames[i]] = o.GetTensorTypeAndShape().ElementDataType == TensorElementType.Double
                    ? o.GetTensorDataAsSpan<double>().ToArray()
                    : o.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x).ToArray();
            }

            return result;
        }
        finally
        {
            foreach (var v in values.Values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose() => session.Dispose();
}
