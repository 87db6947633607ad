using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Runtime.Tests.GraphExecution;

/// <summary>The table of operator cases: one entry per case, each with weights as initializers so external data matters.</summary>
public static class OpCases
{
    private static readonly Dictionary<string, Func<Random, OpCase>> Table = new()
    {
        ["MatMul 2x3 by 3x4"] = r => MatMul(r, batch: 1, m: 2, k: 3, n: 4),
        ["MatMul batched 2x(3x5) by 5x2"] = r => MatMul(r, batch: 2, m: 3, k: 5, n: 2),
        ["Gemm transB alpha beta, bias [n]"] = r => Gemm(r, transB: true, alpha: 0.5f, beta: 2f, fullBias: false),
        ["Gemm plain, bias [m,n]"] = r => Gemm(r, transB: false, alpha: 1f, beta: 1f, fullBias: true),
        ["Add broadcast [2,5,4] + [5,1]"] = r => Add(r, [2, 5, 4], [5, 1]),
        ["Add broadcast [2,1,4] + [5,1]"] = r => Add(r, [2, 1, 4], [5, 1]),
        ["LayerNormalization last axis"] = LayerNorm,
        ["Softmax axis 1 of [2,3,4]"] = r => Softmax(r, axis: 1),
        ["Softmax axis -1 of [2,3,4]"] = r => Softmax(r, axis: -1),
        ["Gather embedding rows (axis 0)"] = r => Gather(r, axis: 0),
        ["Gather columns (axis 1)"] = r => Gather(r, axis: 1),
        ["Transpose perm 2,0,1"] = r => Transpose(r, [2, 0, 1]),
        ["Reshape [2,3,4] to [4,-1] then add"] = Reshape,
        ["Concat axis 1 with a weight"] = Concat,
    };

    public static IEnumerable<string> Names => Table.Keys;

    /// <summary>The case named <paramref name="name"/>, built deterministically from a seed derived from its position.</summary>
    public static OpCase Get(string name) => Table[name](new Random(1000 + Table.Keys.ToList().IndexOf(name)));

    private static float[] Random(Random r, long count) =>
        Enumerable.Range(0, (int)count).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();

    private static OpCase MatMul(Random r, int batch, int m, int k, int n)
    {
        var b = new GraphBuilder("matmul");
        long[] xShape = batch == 1 ? [m, k] : [batch, m, k];
        var x = Random(r, batch * m * k);
        var w = Random(r, k * n);
        string y = b.Op("MatMul", b.Input("x", DataType.Float, xShape.Select(d => (Dim)d).ToArray()), b.Initializer<float>("w", w, k, n));
        long[] yShape = batch == 1 ? [m, n] : [batch, m, n];
        b.Output(y, DataType.Float, yShape.Select(d => (Dim)d).ToArray());
        return new("MatMul", b.Model, [TensorData.Float("x", x, xShape)], Reference.MatMul(x, w, batch, m, k, n), yShape);
    }

    private static OpCase Gemm(Random r, bool transB, float alpha, float beta, bool fullBias)
    {
        const int m = 3, k = 4, n = 5;
        var b = new GraphBuilder("gemm");
        var a = Random(r, m * k);
        var w = Random(r, k * n);
        var c = Random(r, fullBias ? m * n : n);
        string wName = transB ? b.Initializer<float>("w", w, n, k) : b.Initializer<float>("w", w, k, n);
        string cName = fullBias ? b.Initializer<float>("c", c, m, n) : b.Initializer<float>("c", c, n);
        string y = b.Op("Gemm", [b.Input("a", DataType.Float, m, k), wName, cName],
            Attr.Int("transB", transB ? 1 : 0), Attr.Float("alpha", alpha), Attr.Float("beta", beta));
        b.Output(y, DataType.Float, m, n);
        return new("Gemm", b.Model, [TensorData.Float("a", a, m, k)], Reference.Gemm(a, w, c, m, k, n, transB, alpha, beta), [m, n]);
    }

    private static OpCase Add(Random r, long[] xShape, long[] biasShape)
    {
        var b = new GraphBuilder("add");
        var x = Random(r, Reference.Count(xShape));
        var bias = Random(r, Reference.Count(biasShape));
        var (expected, yShape) = Reference.Broadcast(x, xShape, bias, biasShape, (p, q) => p + q);
        string y = b.Op("Add", b.Input("x", DataType.Float, xShape.Select(d => (Dim)d).ToArray()),
            b.Initializer<float>("bias", bias, biasShape));
        b.Output(y, DataType.Float, yShape.Select(d => (Dim)d).ToArray());
        return new("Add", b.Model, [TensorData.Float("x", x, xShape)], expected, yShape);
    }

    private static OpCase LayerNorm(Random r)
    {
        const float epsilon = 1e-5f;
        var b = new GraphBuilder("layernorm");
        var x = Random(r, 2 * 3 * 8);
        var scale = Random(r, 8);
        var bias = Random(r, 8);
        string y = b.Op("LayerNormalization",
            [b.Input("x", DataType.Float, 2, 3, 8), b.Initializer<float>("scale", scale, 8), b.Initializer<float>("bias", bias, 8)],
            Attr.Int("axis", -1), Attr.Float("epsilon", epsilon));
        b.Output(y, DataType.Float, 2, 3, 8);
        return new("LayerNormalization", b.Model, [TensorData.Float("x", x, 2, 3, 8)], Reference.LayerNorm(x, scale, bias, 8, epsilon), [2, 3, 8]);
    }

    private static OpCase Softmax(Random r, int axis)
    {
        long[] shape = [2, 3, 4];
        var b = new GraphBuilder("softmax");
        var x = Random(r, 24);
        var shift = Random(r, 24);
        // x + shift, so the case has a weight that can live in the side file.
        string sum = b.Op("Add", b.Input("x", DataType.Float, 2, 3, 4), b.Initializer<float>("shift", shift, shape));
        b.Output(b.Op("Softmax", [sum], Attr.Int("axis", axis)), DataType.Float, 2, 3, 4);
        var shifted = x.Zip(shift, (p, q) => p + q).ToArray();
        return new("Softmax", b.Model, [TensorData.Float("x", x, shape)], Reference.Softmax(shifted, shape, axis < 0 ? axis + 3 : axis), shape);
    }

    private static OpCase Gather(Random r, int axis)
    {
        long[] shape = [5, 3];
        long[] indices = axis == 0 ? [4, 0, -1, 2] : [2, 0, -3, 1];
        var b = new GraphBuilder("gather");
        var table = Random(r, 15);
        string y = b.Op("Gather", [b.Initializer<float>("table", table, shape), b.Input("ids", DataType.Int64, 2, 2)], Attr.Int("axis", axis));
        long[] yShape = axis == 0 ? [2, 2, 3] : [5, 2, 2];
        b.Output(y, DataType.Float, yShape.Select(d => (Dim)d).ToArray());
        return new("Gather", b.Model, [TensorData.Int64("ids", indices, 2, 2)], Reference.Gather(table, shape, indices, axis), yShape);
    }

    private static OpCase Transpose(Random r, int[] perm)
    {
        long[] shape = [2, 3, 4];
        var b = new GraphBuilder("transpose");
        var x = Random(r, 24);
        var w = Random(r, 24);
        // Transpose(x · 1 + w): the weight is added first so the case carries an initializer.
        string sum = b.Op("Add", b.Input("x", DataType.Float, 2, 3, 4), b.Initializer<float>("w", w, shape));
        long[] yShape = perm.Select(p => shape[p]).ToArray();
        b.Output(b.Op("Transpose", [sum], Attr.Ints("perm", perm.Select(p => (long)p).ToArray())), DataType.Float, yShape.Select(d => (Dim)d).ToArray());
        var summed = x.Zip(w, (p, q) => p + q).ToArray();
        return new("Transpose", b.Model, [TensorData.Float("x", x, shape)], Reference.Transpose(summed, shape, perm), yShape);
    }

    private static OpCase Reshape(Random r)
    {
        var b = new GraphBuilder("reshape");
        var x = Random(r, 24);
        var w = Random(r, 6);
        // The target shape is a Constant node: ONNX Runtime's shape inference cannot read a shape initializer moved to the
        // side file ("Cannot parse data from external tensors"), and GraphBuilder.ConstInt64 reserves its name twice.
        string shape = b.Op("Constant", [], Attr.Tensor("value", Tensors.Create<long>("shape", [4, -1], [2])));
        string reshaped = b.Op("Reshape", b.Input("x", DataType.Float, 2, 3, 4), shape);
        b.Output(b.Op("Add", reshaped, b.Initializer<float>("w", w, 6)), DataType.Float, 4, 6);
        var expected = x.Select((v, i) => (double)v + w[i % 6]).ToArray();
        return new("Reshape", b.Model, [TensorData.Float("x", x, 2, 3, 4)], expected, [4, 6]);
    }

    private static OpCase Concat(Random r)
    {
        var b = new GraphBuilder("concat");
        var x = Random(r, 6);
        var w = Random(r, 8);
        string y = b.Op("Concat", [b.Input("x", DataType.Float, 2, 3), b.Initializer<float>("w", w, 2, 4)], Attr.Int("axis", 1));
        b.Output(y, DataType.Float, 2, 7);
        return new("Concat", b.Model, [TensorData.Float("x", x, 2, 3)], Reference.Concat(x, [2, 3], w, [2, 4], 1), [2, 7]);
    }
}
