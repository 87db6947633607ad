namespace OnnxOll.Onnx.Graph;

/// <summary>One dimension of a declared tensor shape: a fixed size or a named symbolic size.</summary>
public readonly record struct Dim(long Value, string? Param)
{
    /// <summary>True when the dimension is symbolic (its size is known only at run time).</summary>
    public bool IsSymbolic => Param is not null || Value < 0;

    public static implicit operator Dim(long value) => new(value, null);

    public static implicit operator Dim(string param) => new(-1, param);

    public override string ToString() => Param ?? (Value < 0 ? "?" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
