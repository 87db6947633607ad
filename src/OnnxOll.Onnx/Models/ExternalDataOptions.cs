namespace OnnxOll.Onnx.Models;

/// <summary>How <see cref="ModelIO.Save"/> moves initializers into a side file next to the model.</summary>
/// <param name="FileName">Side-file name, relative to the model's directory.</param>
/// <param name="SizeThreshold">Initializers with at least this many bytes go to the side file.</param>
/// <param name="Alignment">Byte alignment of each tensor in the side file (lets ONNX Runtime memory-map it).</param>
public sealed record ExternalDataOptions(string FileName, long SizeThreshold = 1024, int Alignment = 4096);
