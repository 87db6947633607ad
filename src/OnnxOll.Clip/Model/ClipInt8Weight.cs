namespace OnnxOll.Clip.Model;

/// <summary>A linear weight held as symmetric int8, in the layout OnnxOll's int8 frozen weights use: values [in, out] and one
/// scale per output column (w = q · scale).</summary>
/// <param name="Values">The int8 values, row-major [in, out].</param>
/// <param name="Scales">The scales [out].</param>
public sealed record ClipInt8Weight(sbyte[] Values, float[] Scales);
