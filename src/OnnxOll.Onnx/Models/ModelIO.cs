using Google.Protobuf;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Models;

/// <summary>Loads and saves ONNX models, with initializers inline or in an external-data side file.</summary>
public static class ModelIO
{
    /// <summary>Parses a model; with <paramref name="loadExternalData"/> the external tensors are read into memory.</summary>
    public static ModelProto Load(string path, bool loadExternalData = false)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a valid ONNX model ({e.Message}).", e);
        }

        if (model.Graph is null)
        {
            throw new InvalidDataException($"{path}: the model has no graph.");
        }

        if (loadExternalData)
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            foreach (var t in model.Graph.Initializer)
            {
                if (t.DataLocation == TensorProto.Types.DataLocation.External)
                {
                    ExternalData.Load(t, dir);
                }
            }
        }

        return model;
    }

    /// <summary>Writes a model; with <paramref name="external"/> large initializers go to a side file.</summary>
    /// <remarks>The caller's model is not modified: a shallow clone (raw bytes are immutable and shared) is rewritten.</remarks>
    public static void Save(ModelProto model, string path, ExternalDataOptions? external = null)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var toWrite = model;
        if (external is not null)
        {
            toWrite = model.Clone();
            ExternalData.MoveToFile(toWrite.Graph, Path.Combine(Path.GetDirectoryName(fullPath)!, external.FileName), external);
        }

        using var stream = File.Create(fullPath);
        toWrite.WriteTo(stream);
    }
}
