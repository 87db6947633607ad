namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>A Hugging Face parameter read out of a foreign graph.</summary>
/// <param name="Source">Where it came from, as errors show it (constant and node names).</param>
/// <param name="Data">The values, float32, in Hugging Face's layout.</param>
/// <param name="Shape">Its shape in Hugging Face's layout.</param>
/// <param name="DType">The stored type (<c>float32</c>, or <c>int8, dequantized</c>).</param>
/// <param name="Int8">The weight as stored when the graph keeps it as symmetric int8, else null.</param>
internal sealed record ForeignTensor(string Source, float[] Data, long[] Shape, string DType, ClipInt8Weight? Int8 = null);
