using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Runtime.Tests;

/// <summary>Small models shared by the session tests.</summary>
public static class TestGraphs
{
    /// <summary>y = x·W + b with x [batch, 3], W [3, 2] = [[1,2],[3,4],[5,6]], b = [0.5, -0.5]; batch is symbolic.</summary>
    public static ModelProto Affine()
    {
        var b = new GraphBuilder("affine");
        string x = b.Input("x", DataType.Float, "batch", 3);
        string w = b.Initializer<float>("W", [1, 2, 3, 4, 5, 6], 3, 2);
        string bias = b.Initializer<float>("b", [0.5f, -0.5f], 2);
        string y = b.Op("Add", b.Op("MatMul", x, w), bias);
        b.Output(y, DataType.Float, "batch", 2);
        return b.Model;
    }

    /// <summary>The reference of <see cref="Affine"/> for one row.</summary>
    public static float[] AffineRow(float x0, float x1, float x2) =>
        [x0 * 1 + x1 * 3 + x2 * 5 + 0.5f, x0 * 2 + x1 * 4 + x2 * 6 - 0.5f];

    /// <summary>p = Softmax(logits, axis -1) with logits [batch, classes], both symbolic.</summary>
    public static ModelProto Softmax()
    {
        var b = new GraphBuilder("softmax");
        string logits = b.Input("logits", DataType.Float, "batch", "classes");
        string p = b.Op("Softmax", [logits], Attr.Int("axis", -1));
        b.Output(p, DataType.Float, "batch", "classes");
        return b.Model;
    }

    /// <summary>idx = NonZero(x) for a 1-D x: an output whose shape depends on the values.</summary>
    public static ModelProto NonZero()
    {
        var b = new GraphBuilder("nonzero");
        string x = b.Input("x", DataType.Float, "n");
        b.Output(b.Op("NonZero", x), DataType.Int64, null);
        return b.Model;
    }
}
