namespace OnnxOll.Clip.Model.Torch;

/// <summary>The tensors of one weights file as Hugging Face-named float tensors, whatever the file's format and naming.</summary>
internal interface IClipTensorSource : IDisposable
{
    /// <summary>The weights file.</summary>
    string Path { get; }

    /// <summary>Every tensor: Hugging Face names where the file's tensor maps to one, the file's own names otherwise.</summary>
    IEnumerable<string> Names { get; }

    /// <summary>True when <paramref name="name"/> is in <see cref="Names"/>.</summary>
    bool Contains(string name);

    /// <summary>The tensor's shape (after any transpose or split) and whether its dtype is a float type.</summary>
    (long[] Shape, string DType, bool IsFloat) Info(string name);

    /// <summary>The tensor's name as errors show it: the file's name, and the Hugging Face one it is read as when they differ.</summary>
    string Describe(string name);

    /// <summary>The tensor as float32, refusing NaN and infinities.</summary>
    float[] ReadFloat32(string name);
}
