using OnnxOll.Onnx.Proto;

namespace OnnxOll.Runtime.Tests.GraphExecution;

/// <summary>One operator test: a model built with the graph builder, its inputs, and the independently computed output.</summary>
public sealed record OpCase(string Name, ModelProto Model, TensorData[] Inputs, double[] Expected, long[] OutputShape);
