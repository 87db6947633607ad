namespace OnnxOll.Onnx.Graph;

/// <summary>The ONNX IR and operator-set versions OnnxOll writes.</summary>
public static class OnnxOpset
{
    /// <summary>Default opset of the ai.onnx domain: 18 (axes of every Reduce op are inputs).</summary>
    public const int Default = 18;

    /// <summary>IR version written into models (IR 8 goes with opset 18).</summary>
    public const long IrVersion = 8;

    /// <summary>ONNX Runtime's contrib-operator domain (e.g. DynamicQuantizeMatMul).</summary>
    public const string Microsoft = "com.microsoft";
}
