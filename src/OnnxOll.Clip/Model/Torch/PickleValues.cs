namespace OnnxOll.Clip.Model.Torch;

/// <summary>A global the restricted unpickler allowed (a name only: nothing is imported or called).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A dict or OrderedDict, in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}

/// <summary>A TorchScript module object: its class name and attribute dict, kept as inert data.</summary>
internal sealed class PickleObject(string className)
{
    public string ClassName { get; } = className;

    public PickleDict? State { get; set; }
}

/// <summary>A storage a tensor points into: <c>data/&lt;key&gt;</c> of the archive, <paramref name="Numel"/> elements of <paramref name="DType"/>.</summary>
internal sealed record TorchStorage(TorchDType DType, string Key, long Numel);
