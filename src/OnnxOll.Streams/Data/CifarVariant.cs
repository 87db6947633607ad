namespace OnnxOll.Streams.Data;

/// <summary>Which CIFAR binary record layout a file uses.</summary>
public enum CifarVariant
{
    /// <summary>1 label byte + 3072 pixel bytes (CHW, 32×32×3).</summary>
    Cifar10,

    /// <summary>1 coarse + 1 fine label byte + 3072 pixel bytes; the fine label is used.</summary>
    Cifar100,
}
