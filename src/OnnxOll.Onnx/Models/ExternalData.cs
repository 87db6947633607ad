using Google.Protobuf;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Models;

/// <summary>Reads and writes the ONNX external-data convention (location, offset, length entries).</summary>
public static class ExternalData
{
    /// <summary>Marks <paramref name="tensor"/> as stored in <paramref name="location"/> at the given byte range.</summary>
    public static void Reference(TensorProto tensor, string location, long offset, long length)
    {
        tensor.ClearRawData();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>The (location, offset, length) of an external tensor.</summary>
    public static (string Location, long Offset, long Length) Describe(TensorProto tensor)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in tensor.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }

        return (location ?? throw new InvalidDataException($"Tensor '{tensor.Name}': external_data has no 'location'."), offset, length);
    }

    /// <summary>Reads an external tensor's bytes into its raw_data (resolving the location against <paramref name="baseDirectory"/>).</summary>
    public static void Load(TensorProto tensor, string baseDirectory)
    {
        var (location, offset, length) = Describe(tensor);
        string file = Path.Combine(baseDirectory, location);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Tensor '{tensor.Name}': external data file '{file}' does not exist.", file);
        }

        using var stream = File.OpenRead(file);
        if (length < 0)
        {
            length = stream.Length - offset;
        }

        if (offset + length > stream.Length)
        {
            throw new InvalidDataException($"{file}: tensor '{tensor.Name}' needs bytes [{offset}, {offset + length}) but the file has {stream.Length}.");
        }

        var bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
        tensor.RawData = ByteString.CopyFrom(bytes);
    }

    /// <summary>Moves every inline initializer of at least the threshold size into <paramref name="file"/>, aligned.</summary>
    public static void MoveToFile(GraphProto graph, string file, ExternalDataOptions options)
    {
        using var stream = File.Create(file);
        foreach (var t in graph.Initializer)
        {
            // Integer tensors (shapes, axes, indices) stay inline: ONNX Runtime's shape inference reads them at load time.
            if (!t.HasRawData || t.RawData.Length < options.SizeThreshold || !IsFloatingPoint(t))
            {
                continue;
            }

            long pad = (options.Alignment - (stream.Position % options.Alignment)) % options.Alignment;
            stream.Write(new byte[pad]);
            long offset = stream.Position;
            stream.Write(t.RawData.Span);
            Reference(t, options.FileName, offset, t.RawData.Length);
        }

        stream.Flush(true);
    }

    private static bool IsFloatingPoint(TensorProto t) => (TensorProto.Types.DataType)t.DataType is
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double
        or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16;
}
