using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Graphs;

/// <summary>How CLIP tensors are stored for graphs: linear weights and the patch embedding pre-transposed [in, out] under
/// <c>&lt;name&gt;_t</c>; every other tensor keeps its Hugging Face name and shape.</summary>
public static class ClipStoredLayout
{
    /// <summary>True when the Hugging Face tensor <paramref name="hfName"/> is stored transposed.</summary>
    public static bool IsTransposed(string hfName) =>
        hfName is "visual_projection.weight" or "text_projection.weight" or "vision_model.embeddings.patch_embedding.weight"
        || (hfName.Contains(".encoder.layers.", StringComparison.Ordinal)
            && ClipParameterShapes.LayerLinears.Any(l => hfName.EndsWith($".{l}.weight", StringComparison.Ordinal)));

    /// <summary>The stored name of the Hugging Face tensor <paramref name="hfName"/>.</summary>
    public static string StoredName(string hfName) => IsTransposed(hfName) ? FrozenWeights.Transposed(hfName) : hfName;

    /// <summary>The stored shape of a Hugging Face tensor of shape <paramref name="hfShape"/> (rows = first dimension, columns = the rest).</summary>
    public static long[] StoredShape(string hfName, long[] hfShape) =>
        IsTransposed(hfName) ? [hfShape.Skip(1).Aggregate(1L, (a, d) => a * d), hfShape[0]] : hfShape;

    /// <summary>The data of a Hugging Face tensor in its stored layout (a transposed copy, or the same array).</summary>
    public static float[] ToStored(string hfName, float[] data, long[] hfShape) =>
        IsTransposed(hfName) ? Transpose(data, (int)hfShape[0], data.Length / (int)hfShape[0]) : data;

    /// <summary>The data of a stored tensor back in the Hugging Face layout of shape <paramref name="hfShape"/>.</summary>
    public static float[] ToHuggingFace(string hfName, float[] stored, long[] hfShape) =>
        IsTransposed(hfName) ? Transpose(stored, stored.Length / (int)hfShape[0], (int)hfShape[0]) : stored;

    /// <summary>A row-major [rows, cols] matrix transposed to [cols, rows].</summary>
    public static float[] Transpose(float[] data, int rows, int cols)
    {
        var t = new float[data.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                t[(c * rows) + r] = data[(r * cols) + c];
            }
        }

        return t;
    }
}
