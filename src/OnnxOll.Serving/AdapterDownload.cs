using System.IO.Compression;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;

namespace OnnxOll.Serving;

/// <summary>The service's current PET tensors in the deployment formats: an ONNX Runtime <c>.onnx_adapter</c> (all tensors, or those of one
/// tower's graph) or a PEFT adapter folder as a zip; built by the Deploy library from one snapshot.</summary>
internal static class AdapterDownload
{
    /// <summary>The bytes, content type and file name of <paramref name="snapshot"/> in <paramref name="format"/> (<c>onnx</c> or <c>peft</c>).</summary>
    /// <exception cref="RequestError">400 for another format or graph, or a graph without PET tensors.</exception>
    public static (byte[] Bytes, string ContentType, string FileName) Build(PetSnapshot snapshot, string format, string graph, ServeOptions options)
    {
        var pet = snapshot.Pet;
        return format switch
        {
            "onnx" => (OrtAdapterFile.Serialize(pet, GraphTensors(pet, graph), (int)Math.Min(snapshot.Batches, int.MaxValue)), "application/octet-stream",
                $"{graph}-{snapshot.Batches}{OrtAdapterFile.Extension}"),
            "peft" when graph == "all" => (PeftZip(pet, snapshot, options), "application/zip", $"peft-{snapshot.Batches}.zip"),
            "peft" => throw new RequestError(400, $"graph '{graph}': a PEFT adapter holds every tower; leave out graph."),
            _ => throw new RequestError(400, $"format '{format}': expected onnx or peft."),
        };
    }

    private static string[] GraphTensors(PetParameters pet, string graph)
    {
        try
        {
            return OrtAdapterFile.GraphTensors(pet.Layout, graph);
        }
        catch (ArgumentException e)
        {
            throw new RequestError(400, e.Message);
        }
    }

    private static byte[] PeftZip(PetParameters pet, PetSnapshot snapshot, ServeOptions options)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"onnxoll-peft-{Guid.NewGuid():N}");
        try
        {
            try
            {
                PeftAdapterFolder.Write(pet, folder, Path.GetFullPath(options.ModelDirectory), options.Learner.Prompts, snapshot.Vocabulary);
            }
            catch (ArgumentException e)
            {
                throw new RequestError(400, e.Message);
            }

            using var zip = new MemoryStream();
            ZipFile.CreateFromDirectory(folder, zip);
            return zip.ToArray();
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
