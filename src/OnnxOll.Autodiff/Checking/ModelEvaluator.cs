using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff.Checking;

/// <summary>Runs <paramref name="model"/> on inputs given as doubles (converted to each graph input's declared type and
/// shape) and returns every graph output, flattened, as doubles.</summary>
public delegate IReadOnlyDictionary<string, double[]> ModelEvaluator(ModelProto model, IReadOnlyDictionary<string, double[]> inputs);
