using System.Buffers.Binary;
using System.Text;

namespace OnnxOll.Clip.Model.Torch;

/// <summary>Reads the pickle of a <c>torch.save</c> state dict (or a TorchScript archive's module tree) as inert data.</summary>
/// <remarks>Only the opcodes and globals a state dict uses are accepted; any other global or opcode is refused naming it.
/// Globals are names, never imported: REDUCE is evaluated here for the few allowed ones (OrderedDict, tensor rebuilds).</remarks>
internal sealed class RestrictedUnpickler
{
    private static readonly HashSet<string> IntListBuilders = new(StringComparer.Ordinal)
    {
        "build_intlist", "build_doublelist", "build_boollist", "build_tensorlist",
    };

    private static readonly object Mark = new();

    private readonly byte[] data;
    private readonly string source;
    private readonly bool torchScript;
    private readonly List<object?> stack = [];
    private readonly Dictionary<long, object?> memo = [];
    private int pos;

    /// <param name="data">The pickle bytes.</param>
    /// <param name="source">Names the pickle in errors (file and entry).</param>
    /// <param name="torchScript">Accept TorchScript's <c>__torch__.*</c> module classes (as inert records) and its list builders.</param>
    public RestrictedUnpickler(byte[] data, string source, bool torchScript)
    {
        this.data = data;
        this.source = source;
        this.torchScript = torchScript;
    }

    /// <summary>Runs the pickle to its STOP and returns the top value.</summary>
    public object? Load()
    {
        while (true)
        {
            if (pos >= data.Length)
            {
                throw Error("ends before its STOP opcode (truncated)");
            }

            byte op = data[pos++];
            switch (op)
            {
                case 0x80: pos++; break; // PROTO
                case 0x95: pos += 8; break; // FRAME
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': stack.Add(Mark); break; // MARK
                case (byte)'}': stack.Add(new PickleDict()); break; // EMPTY_DICT
                case (byte)']': stack.Add(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': stack.Add(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'d': stack.Add(ToDict(PopMark())); break; // DICT
                case (byte)'l': stack.Add(new List<object?>(PopMark())); break; // LIST
                case (byte)'t': stack.Add(PopMark().ToArray()); break; // TUPLE
                case 0x85: stack.Add(PopTuple(1)); break; // TUPLE1
                case 0x86: stack.Add(PopTuple(2)); break; // TUPLE2
                case 0x87: stack.Add(PopTuple(3)); break; // TUPLE3
                case (byte)'N': stack.Add(null); break; // NONE
                case 0x88: stack.Add(true); break; // NEWTRUE
                case 0x89: stack.Add(false); break; // NEWFALSE
                case (byte)'K': stack.Add((long)Bytes(1)[0]); break; // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break; // BININT2
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break; // BININT
                case 0x8a: stack.Add(Long1()); break; // LONG1
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break; // BINFLOAT
                case (byte)'X': stack.Add(Utf8(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break; // BINUNICODE
                case 0x8c: stack.Add(Utf8(Bytes(1)[0])); break; // SHORT_BINUNICODE
                case (byte)'q': memo[Bytes(1)[0]] = Peek(); break; // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': stack.Add(Memo(Bytes(1)[0])); break; // BINGET
                case (byte)'j': stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break; // LONG_BINGET
                case (byte)'c': stack.Add(Global(Line(), Line())); break; // GLOBAL
                case 0x93: StackGlobal(); break; // STACK_GLOBAL
                case (byte)'Q': stack.Add(PersistentLoad(Pop())); break; // BINPERSID
                case (byte)'R': Reduce(); break; // REDUCE
                case 0x81: NewObj(); break; // NEWOBJ
                case (byte)'b': Build(); break; // BUILD
                case (byte)'s': SetItems(2); break; // SETITEM
                case (byte)'u': SetItems(-1); break; // SETITEMS
                case (byte)'a': AppendOne(); break; // APPEND
                case (byte)'e': AppendMany(); break; // APPENDS
                default: throw Error($"opcode 0x{op:x2} at byte {pos - 1} is not allowed (a checkpoint holds only tensors, dicts, lists and numbers)");
            }
        }
    }

    private object Global(string module, string name)
    {
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_parameter") => true,
            ("torch", _) => TorchDTypes.FromStorageName(name) is not null,
            ("torch.jit._pickle", _) => torchScript && IntListBuilders.Contains(name),
            _ => torchScript && (module == "__torch__" || module.StartsWith("__torch__.", StringComparison.Ordinal)),
        };
        return allowed ? new PickleGlobal(module, name) : throw Error($"global '{module}.{name}' is not allowed (nothing is imported or run; a checkpoint holds only tensors)");
    }

    private void StackGlobal()
    {
        var name = Pop() as string;
        var module = Pop() as string;
        stack.Add(module is null || name is null ? throw Error("STACK_GLOBAL without two strings") : Global(module, name));
    }

    private TorchStorage PersistentLoad(object? pid)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is PickleGlobal { Module: "torch" } type && t[2] is string key && t[4] is long numel)
        {
            return new TorchStorage(TorchDTypes.FromStorageName(type.Name)!.Value, key, numel);
        }

        throw Error("a persistent id other than ('storage', torch.<Type>Storage, key, location, numel)");
    }

    private void Reduce()
    {
        var args = Pop() as object?[] ?? throw Error("REDUCE without an argument tuple");
        var callable = Pop();
        stack.Add(callable switch
        {
            PickleGlobal { FullName: "collections.OrderedDict" } when args.Length == 0 => new PickleDict(),
            PickleGlobal { FullName: "torch._utils._rebuild_tensor_v2" } => RebuildTensor(args),
            PickleGlobal { FullName: "torch._utils._rebuild_parameter" } when args.Length >= 1 && args[0] is TorchTensorInfo tensor => tensor,
            PickleGlobal { Module: "torch.jit._pickle" } when args is [List<object?> list] => list,
            PickleGlobal g => throw Error($"REDUCE on '{g.FullName}' with {args.Length} argument(s) is not allowed"),
            _ => throw Error($"REDUCE on a {Describe(callable)} is not allowed"),
        });
    }

    private TorchTensorInfo RebuildTensor(object?[] args)
    {
        if (args.Length < 4 || args[0] is not TorchStorage storage || args[1] is not long offset
            || args[2] is not object?[] size || args[3] is not object?[] stride || size.Length != stride.Length)
        {
            throw Error("_rebuild_tensor_v2 arguments are not (storage, offset, size tuple, stride tuple, ...)");
        }

        return new TorchTensorInfo("", storage.DType, Longs(size), Longs(stride), storage.Key, offset, storage.Numel);
    }

    private void NewObj()
    {
        var args = Pop() as object?[];
        var cls = Pop();
        stack.Add(cls is PickleGlobal g && torchScript && g.Module.StartsWith("__torch__", StringComparison.Ordinal) && args is { Length: 0 }
            ? new PickleObject(g.FullName)
            : throw Error($"NEWOBJ on a {Describe(cls)} is not allowed"));
    }

    private void Build()
    {
        var state = Pop();
        switch (Peek())
        {
            case PickleObject o when state is PickleDict d: o.State = d; break;
            case PickleDict: break; // an OrderedDict's attributes (state_dict()'s _metadata): not tensors
            case var target: throw Error($"BUILD on a {Describe(target)} is not allowed");
        }
    }

    private void SetItems(int count)
    {
        var items = count < 0 ? PopMark() : [.. PopMany(count)];
        if (Peek() is not PickleDict dict || items.Count % 2 != 0)
        {
            throw Error("SETITEM(S) on something that is not a dict");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            dict.Items.Add(new(items[i], items[i + 1]));
        }
    }

    private void AppendOne()
    {
        var item = Pop();
        Append(PopList(), [item]);
    }

    private void AppendMany()
    {
        var items = PopMark();
        Append(PopList(), items);
    }

    private void Append(List<object?> list, IEnumerable<object?> items)
    {
        list.AddRange(items);
        stack.Add(list);
    }

    private List<object?> PopList() => Pop() as List<object?> ?? throw Error("APPEND(S) on something that is not a list");

    private PickleDict ToDict(List<object?> items)
    {
        var dict = new PickleDict();
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            dict.Items.Add(new(items[i], items[i + 1]));
        }

        return dict;
    }

    private long[] Longs(object?[] values) =>
        [.. values.Select(v => v is long l ? l : throw Error("a tensor size or stride that is not an integer"))];

    private object?[] PopTuple(int count) => [.. PopMany(count)];

    private IEnumerable<object?> PopMany(int count)
    {
        if (stack.Count < count)
        {
            throw Error("stack underflow");
        }

        var items = stack.GetRange(stack.Count - count, count);
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private List<object?> PopMark()
    {
        int mark = stack.LastIndexOf(Mark);
        if (mark < 0)
        {
            throw Error("no MARK on the stack");
        }

        var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private object? Pop()
    {
        var v = Peek();
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private object? Peek() => stack.Count > 0 && stack[^1] != Mark ? stack[^1] : throw Error("stack underflow");

    private object? Memo(long key) => memo.TryGetValue(key, out var v) ? v : throw Error($"memo key {key} was never stored");

    private long Long1()
    {
        var bytes = Bytes(Bytes(1)[0]);
        return bytes.Length <= 8 ? (long)new System.Numerics.BigInteger(bytes, isUnsigned: false, isBigEndian: false) : throw Error("an integer wider than 64 bits");
    }

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0)
        {
            throw Error("ends inside a GLOBAL name (truncated)");
        }

        string s = Encoding.UTF8.GetString(data, pos, end - pos);
        pos = end + 1;
        return s;
    }

    private string Utf8(long length) => Encoding.UTF8.GetString(Bytes(length));

    private byte[] Bytes(long count)
    {
        if (count < 0 || pos + count > data.Length)
        {
            throw Error("ends inside an opcode's argument (truncated)");
        }

        var b = data.AsSpan(pos, (int)count).ToArray();
        pos += (int)count;
        return b;
    }

    private static string Describe(object? value) => value switch
    {
        PickleGlobal g => $"global '{g.FullName}'",
        null => "None",
        _ => value.GetType().Name,
    };

    private InvalidDataException Error(string message) => new($"{source}: {message}.");
}
