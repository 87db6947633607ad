using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff;

/// <summary>A normalised slice along one axis of fixed size: first index, step and element count.</summary>
internal readonly record struct SliceRange(long Start, long Step, long Count)
{
    /// <summary>Clamps ONNX Slice starts/ends against a fixed dimension; null when the dimension is not fixed.</summary>
    public static SliceRange? Of(Dim dim, long start, long end, long step)
    {
        if (dim.IsSymbolic || step == 0)
        {
            return null;
        }

        long n = dim.Value;
        if (start < 0)
        {
            start += n;
        }

        if (end < 0)
        {
            end += n;
        }

        if (step > 0)
        {
            start = Math.Clamp(start, 0, n);
            end = Math.Clamp(end, 0, n);
            return new SliceRange(start, step, end > start ? (end - start + step - 1) / step : 0);
        }

        start = Math.Clamp(start, 0, n - 1);
        end = Math.Clamp(end, -1, n - 1);
        return new SliceRange(start, step, start > end ? (start - end - step - 1) / -step : 0);
    }
}
