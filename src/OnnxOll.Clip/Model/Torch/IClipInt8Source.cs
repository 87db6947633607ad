namespace OnnxOll.Clip.Model.Torch;

/// <summary>A tensor source that holds some linear weights as symmetric int8 (an int8 ONNX export).</summary>
internal interface IClipInt8Source
{
    /// <summary>Hugging Face weight <paramref name="name"/> as stored int8 ([in, out], per-column scales), or null when it is not.</summary>
    ClipInt8Weight? ReadInt8(string name);
}
