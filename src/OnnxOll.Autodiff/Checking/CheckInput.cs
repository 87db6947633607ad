using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Checking;

/// <summary>One input of a single-node check: a random (trainable or frozen) graph input, an int64/float constant, or absent.</summary>
public sealed record CheckInput(long[] Shape, InputDomain Domain, bool Trainable, DataType? Type = null, double[]? Constant = null, bool Absent = false)
{
    /// <summary>A trainable graph input of the case's precision.</summary>
    public static CheckInput Train(params long[] shape) => new(shape, InputDomain.Uniform, true);

    /// <summary>A trainable graph input drawn from <paramref name="domain"/>.</summary>
    public static CheckInput Train(InputDomain domain, params long[] shape) => new(shape, domain, true);

    /// <summary>A frozen random graph input of the case's precision.</summary>
    public static CheckInput Frozen(InputDomain domain, params long[] shape) => new(shape, domain, false);

    /// <summary>A frozen int64 graph input with values in [0, <paramref name="bound"/>).</summary>
    public static CheckInput Indices(long bound, params long[] shape) => new(shape, InputDomain.Indices(bound), false, DataType.Int64);

    /// <summary>A frozen bool graph input.</summary>
    public static CheckInput Mask(params long[] shape) => new(shape, InputDomain.Mask, false, DataType.Bool);

    /// <summary>A 1-D int64 initializer (axes, shapes, starts, split sizes).</summary>
    public static CheckInput Ints(params long[] values) =>
        new([values.Length], InputDomain.Uniform, false, DataType.Int64, [.. values.Select(v => (double)v)]);

    /// <summary>A scalar initializer of the case's precision (a constant exponent, a dropout ratio).</summary>
    public static CheckInput Scalar(double value) => new([], InputDomain.Uniform, false, null, [value]);

    /// <summary>A scalar bool initializer (dropout's training_mode).</summary>
    public static CheckInput Flag(bool value) => new([], InputDomain.Mask, false, DataType.Bool, [value ? 1 : 0]);

    /// <summary>A constant initializer of an explicit element type (e.g. int8 quantized weights).</summary>
    public static CheckInput Values(DataType type, double[] values, params long[] shape) => new(shape, InputDomain.Uniform, false, type, values);

    /// <summary>An absent optional input.</summary>
    public static CheckInput None { get; } = new([], InputDomain.Uniform, false, Absent: true);
}
