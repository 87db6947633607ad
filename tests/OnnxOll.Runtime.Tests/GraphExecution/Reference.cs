namespace OnnxOll.Runtime.Tests.GraphExecution;

/// <summary>Plain-loop reference implementations of the ONNX operators under test, in double precision.</summary>
public static class Reference
{
    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static long[] Strides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }

        return s;
    }

    public static long Count(long[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>C[m,n] = A[m,k]·B[k,n], with A a stack of <paramref name="batch"/> matrices sharing B.</summary>
    public static double[] MatMul(float[] a, float[] b, int batch, int m, int k, int n)
    {
        var c = new double[batch * m * n];
        for (int s = 0; s < batch; s++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        sum += (double)a[(s * m + i) * k + p] * b[p * n + j];
                    }

                    c[(s * m + i) * n + j] = sum;
                }
            }
        }

        return c;
    }

    /// <summary>Y = alpha·A·op(B) + beta·C, op(B) = Bᵀ when <paramref name="transB"/>; C is [n] or [m,n].</summary>
    public static double[] Gemm(float[] a, float[] b, float[] c, int m, int k, int n, bool transB, double alpha, double beta)
    {
        var y = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
                }

                double bias = c.Length == n ? c[j] : c[i * n + j];
                y[i * n + j] = alpha * sum + beta * bias;
            }
        }

        return y;
    }

    /// <summary>Numpy-style broadcasting elementwise op of two tensors; returns the result and its shape.</summary>
    public static (double[] Values, long[] Shape) Broadcast(float[] a, long[] aShape, float[] b, long[] bShape, Func<double, double, double> op)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        long[] pa = [.. Enumerable.Repeat(1L, rank - aShape.Length), .. aShape];
        long[] pb = [.. Enumerable.Repeat(1L, rank - bShape.Length), .. bShape];
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = Math.Max(pa[i], pb[i]);
        }

        long[] sa = Strides(pa), sb = Strides(pb), so = Strides(shape);
        var y = new double[Count(shape)];
        for (long flat = 0; flat < y.Length; flat++)
        {
            long ia = 0, ib = 0, rest = flat;
            for (int d = 0; d < rank; d++)
            {
                long coord = rest / so[d];
                rest %= so[d];
                ia += (pa[d] == 1 ? 0 : coord) * sa[d];
                ib += (pb[d] == 1 ? 0 : coord) * sb[d];
            }

            y[flat] = op(a[ia], b[ib]);
        }

        return (y, shape);
    }

    /// <summary>Normalises each row of length <paramref name="width"/> to zero mean, unit variance, then scale and shift.</summary>
    public static double[] LayerNorm(float[] x, float[] scale, float[] bias, int width, double epsilon)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / width; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < width; i++)
            {
                mean += x[r * width + i];
            }

            mean /= width;
            for (int i = 0; i < width; i++)
            {
                variance += Math.Pow(x[r * width + i] - mean, 2);
            }

            variance /= width;
            for (int i = 0; i < width; i++)
            {
                y[r * width + i] = (x[r * width + i] - mean) / Math.Sqrt(variance + epsilon) * scale[i] + bias[i];
            }
        }

        return y;
    }

    /// <summary>Softmax along <paramref name="axis"/> of a tensor of <paramref name="shape"/>.</summary>
    public static double[] Softmax(float[] x, long[] shape, int axis)
    {
        long[] strides = Strides(shape);
        long n = shape[axis], stride = strides[axis];
        var y = new double[x.Length];
        for (long flat = 0; flat < x.Length; flat++)
        {
            if ((flat / stride) % n != 0)
            {
                continue;
            }

            double max = double.NegativeInfinity, sum = 0;
            for (long i = 0; i < n; i++)
            {
                max = Math.Max(max, x[flat + i * stride]);
            }

            for (long i = 0; i < n; i++)
            {
                sum += y[flat + i * stride] = Math.Exp(x[flat + i * stride] - max);
            }

            for (long i = 0; i < n; i++)
            {
                y[flat + i * stride] /= sum;
            }
        }

        return y;
    }

    /// <summary>Gather along <paramref name="axis"/>: output shape = data[..axis] ++ indices ++ data[axis+1..]; negative indices count from the end.</summary>
    public static double[] Gather(float[] data, long[] shape, long[] indices, int axis)
    {
        long outer = Count(shape[..axis]), inner = Count(shape[(axis + 1)..]), n = shape[axis];
        var y = new double[outer * indices.Length * inner];
        long o = 0;
        for (long i = 0; i < outer; i++)
        {
            foreach (long raw in indices)
            {
                long idx = raw < 0 ? raw + n : raw;
                for (long j = 0; j < inner; j++)
                {
                    y[o++] = data[(i * n + idx) * inner + j];
                }
            }
        }

        return y;
    }

    /// <summary>Transpose: output axis i is input axis perm[i].</summary>
    public static double[] Transpose(float[] x, long[] shape, int[] perm)
    {
        long[] outShape = perm.Select(p => shape[p]).ToArray();
        long[] inStrides = Strides(shape), outStrides = Strides(outShape);
        var y = new double[x.Length];
        for (long flat = 0; flat < x.Length; flat++)
        {
            long rest = flat, src = 0;
            for (int d = 0; d < outShape.Length; d++)
            {
                long coord = rest / outStrides[d];
                rest %= outStrides[d];
                src += coord * inStrides[perm[d]];
            }

            y[flat] = x[src];
        }

        return y;
    }

    /// <summary>Concatenation of two tensors along <paramref name="axis"/>.</summary>
    public static double[] Concat(float[] a, long[] aShape, float[] b, long[] bShape, int axis)
    {
        long outer = Count(aShape[..axis]);
        long aBlock = Count(aShape[axis..]), bBlock = Count(bShape[axis..]);
        var y = new List<double>(a.Length + b.Length);
        for (long i = 0; i < outer; i++)
        {
            y.AddRange(a.Skip((int)(i * aBlock)).Take((int)aBlock).Select(v => (double)v));
            y.AddRange(b.Skip((int)(i * bBlock)).Take((int)bBlock).Select(v => (double)v));
        }

        return [.. y];
    }
}
