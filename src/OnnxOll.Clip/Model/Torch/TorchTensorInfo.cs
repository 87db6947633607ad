namespace OnnxOll.Clip.Model.Torch;

/// <summary>One tensor of a PyTorch checkpoint: a strided view of <see cref="Shape"/> into storage <see cref="StorageKey"/>.</summary>
/// <param name="Name">The state-dict key (or the attribute path of a TorchScript module).</param>
/// <param name="DType">The storage's element type.</param>
/// <param name="Shape">The tensor's sizes.</param>
/// <param name="Stride">Elements to step per dimension.</param>
/// <param name="StorageKey">The storage's key (its entry <c>data/&lt;key&gt;</c>).</param>
/// <param name="StorageOffset">The first element's index in the storage.</param>
/// <param name="StorageNumel">Elements in the storage.</param>
public sealed record TorchTensorInfo(string Name, TorchDType DType, long[] Shape, long[] Stride, string StorageKey, long StorageOffset, long StorageNumel)
{
    /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
