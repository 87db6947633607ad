using System.Runtime.InteropServices;
using Google.FlatBuffers;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Deploy.OrtAdapters;

/// <summary>ONNX Runtime's LoRA adapter file (<c>.onnx_adapter</c>): a FlatBuffers <c>Adapter</c> of named float tensors fed by
/// <c>RunOptions.AddActiveLoraAdapter</c> to the graph inputs of the same names.</summary>
/// <remarks>Built with Google.FlatBuffers' builder after <c>onnxruntime/lora/adapter_format/adapter_schema.fbs</c> (no flatc here, so the
/// few field slots are written by hand): table Parameter {name:string; dims:[int64]; data_type:int (FLOAT = 1); raw_data:[uint8] aligned 8},
/// root table Adapter {format_version:int (1); adapter_version:int; model_version:int; parameters:[Parameter]}, file identifier TORT.
/// Reading runs Google.FlatBuffers' verifier over that layout first, so a truncated or corrupt file is refused.</remarks>
public static class OrtAdapterFile
{
    /// <summary>The file extension ONNX Runtime documents.</summary>
    public const string Extension = ".onnx_adapter";

    /// <summary>The only format version ONNX Runtime accepts.</summary>
    public const int FormatVersion = 1;

    private const string Identifier = "TORT";
    private const int FloatType = 1;

    // Field slots in schema order; a slot's vtable offset is 4 + 2 * slot.
    private const int ParameterName = 0, ParameterDims = 1, ParameterDataType = 2, ParameterRawData = 3;
    private const int AdapterFormatVersion = 0, AdapterVersion = 1, AdapterModelVersion = 2, AdapterParameters = 3;

    /// <summary>Writes the tensors of <paramref name="pet"/> (those named in <paramref name="graphInputs"/>, or all) as adapter parameters named as their graph inputs.</summary>
    /// <remarks>ONNX Runtime refuses an adapter holding a parameter the session has no input for, so write one adapter per graph.</remarks>
    public static void Write(PetParameters pet, string path, IReadOnlyCollection<string>? graphInputs = null, int adapterVersion = 1, int modelVersion = 1) =>
        Write(Selected(pet, graphInputs), path, adapterVersion, modelVersion);

    /// <summary>The adapter file's bytes for the tensors of <paramref name="pet"/> named in <paramref name="graphInputs"/> (or all).</summary>
    public static byte[] Serialize(PetParameters pet, IReadOnlyCollection<string>? graphInputs = null, int adapterVersion = 1, int modelVersion = 1) =>
        Serialize(Selected(pet, graphInputs), adapterVersion, modelVersion);

    /// <summary>The PET tensors an adapter for <paramref name="graph"/> holds: <c>all</c> (for train.onnx), or those of the <c>vision</c> or
    /// <c>text</c> tower (for vision.onnx, text.onnx; ONNX Runtime refuses a parameter the graph has no input for).</summary>
    /// <exception cref="ArgumentException">Another graph name, or a tower without PET tensors.</exception>
    public static string[] GraphTensors(PetLayout layout, string graph)
    {
        string? prefix = graph switch
        {
            "all" => null,
            "vision" => "vision_model.",
            "text" => "text_model.",
            _ => throw new ArgumentException($"graph '{graph}': expected all, vision or text."),
        };
        var names = layout.Tensors.Select(t => t.Name).Where(n => prefix is null || n.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        return names.Length > 0 ? names : throw new ArgumentException($"graph '{graph}': PET spec '{layout.Spec}' has no tensors there.");
    }

    /// <summary>Writes <paramref name="tensors"/> (float32) as an adapter file, atomically, creating its folder when needed.</summary>
    public static void Write(IReadOnlyList<NamedTensor> tensors, string path, int adapterVersion = 1, int modelVersion = 1)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{path}: is a folder; expected the path of an {Extension} file to write.");
        }

        byte[] bytes = Serialize(tensors, adapterVersion, modelVersion);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The adapter file's bytes for <paramref name="tensors"/> (float32), e.g. to send over the network.</summary>
    public static byte[] Serialize(IReadOnlyList<NamedTensor> tensors, int adapterVersion = 1, int modelVersion = 1)
    {
        var builder = new FlatBufferBuilder(1024 + tensors.Sum(t => (t.Data.Length * sizeof(float)) + 64));
        var parameters = new Offset<int>[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            var name = builder.CreateString(t.Name);
            builder.StartVector(sizeof(long), t.Shape.Length, sizeof(long));
            for (int d = t.Shape.Length - 1; d >= 0; d--)
            {
                builder.AddLong(t.Shape[d]);
            }

            var dims = builder.EndVector();
            builder.StartVector(1, t.Data.Length * sizeof(float), 8);
            builder.Add(MemoryMarshal.AsBytes(t.Data.AsSpan()).ToArray());
            var raw = builder.EndVector();
            builder.StartTable(4);
            builder.AddOffset(ParameterRawData, raw.Value, 0);
            builder.AddInt(ParameterDataType, FloatType, 0);
            builder.AddOffset(ParameterDims, dims.Value, 0);
            builder.AddOffset(ParameterName, name.Value, 0);
            parameters[i] = new Offset<int>(builder.EndTable());
        }

        builder.StartVector(sizeof(int), parameters.Length, sizeof(int));
        for (int i = parameters.Length - 1; i >= 0; i--)
        {
            builder.AddOffset(parameters[i].Value);
        }

        var list = builder.EndVector();
        builder.StartTable(4);
        builder.AddOffset(AdapterParameters, list.Value, 0);
        builder.AddInt(AdapterModelVersion, modelVersion, 0);
        builder.AddInt(AdapterVersion, adapterVersion, 0);
        builder.AddInt(AdapterFormatVersion, FormatVersion, 0);
        builder.Finish(builder.EndTable(), Identifier);
        return builder.SizedByteArray();
    }

    /// <summary>Reads an adapter file's float parameters.</summary>
    /// <exception cref="InvalidDataException">Not an adapter file, another format version, or a non-float parameter; the message names the file.</exception>
    public static PetTensorSet Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads the float parameters of an adapter file's bytes; <paramref name="path"/> names them in errors.</summary>
    /// <exception cref="InvalidDataException">Not an adapter file, another format version, or a non-float parameter; the message names <paramref name="path"/>.</exception>
    public static PetTensorSet Parse(byte[] file, string path)
    {
        var bb = new ByteBuffer(file);
        if (bb.Length < 8 || !Table.__has_identifier(bb, Identifier))
        {
            throw new InvalidDataException($"{path}: not an ONNX Runtime adapter file (identifier '{Identifier}' missing).");
        }

        if (!new Verifier(new ByteBuffer(file)).VerifyBuffer(Identifier, false, VerifyAdapter))
        {
            throw new InvalidDataException($"{path}: not a valid ONNX Runtime adapter file (FlatBuffers verification failed: truncated or corrupt).");
        }

        var root = new Table(bb.GetInt(bb.Position) + bb.Position, bb);
        int version = Int(root, AdapterFormatVersion);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path}: format_version is {version}, expected {FormatVersion}.");
        }

        var tensors = new List<NamedTensor>();
        int list = root.__offset(Slot(AdapterParameters));
        int count = list == 0 ? 0 : root.__vector_len(list);
        for (int i = 0; i < count; i++)
        {
            var p = new Table(root.__indirect(root.__vector(list) + (i * sizeof(int))), bb);
            string name = p.__string(p.bb_pos + p.__offset(Slot(ParameterName)));
            if (Int(p, ParameterDataType) != FloatType)
            {
                throw new InvalidDataException($"{path}: parameter '{name}' has data_type {Int(p, ParameterDataType)}; OnnxOll reads FLOAT (1).");
            }

            int dimsField = p.__offset(Slot(ParameterDims));
            var dims = new long[dimsField == 0 ? 0 : p.__vector_len(dimsField)];
            for (int d = 0; d < dims.Length; d++)
            {
                dims[d] = bb.GetLong(p.__vector(dimsField) + (d * sizeof(long)));
            }

            int rawField = p.__offset(Slot(ParameterRawData));
            int bytes = rawField == 0 ? 0 : p.__vector_len(rawField);
            var data = new float[bytes / sizeof(float)];
            if (bytes > 0)
            {
                Buffer.BlockCopy(file, p.__vector(rawField), data, 0, bytes);
            }

            try
            {
                tensors.Add(new NamedTensor(name, data, dims));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: parameter '{name}': {e.Message}", e);
            }
        }

        return new PetTensorSet(tensors, path);
    }

    private static NamedTensor[] Selected(PetParameters pet, IReadOnlyCollection<string>? graphInputs) =>
        pet.Layout.Tensors.Where(t => graphInputs is null || graphInputs.Contains(t.Name)).Select(t => new NamedTensor(t.Name, pet[t.Name], t.Shape)).ToArray();

    private static short Slot(int field) => (short)(4 + (2 * field));

    /// <summary>Bounds and alignment of the root table after the schema (Google.FlatBuffers' verifier, as flatc would generate it).</summary>
    private static bool VerifyAdapter(Verifier verifier, uint table) =>
        verifier.VerifyTableStart(table)
        && verifier.VerifyField(table, Slot(AdapterFormatVersion), sizeof(int), sizeof(int), false)
        && verifier.VerifyField(table, Slot(AdapterVersion), sizeof(int), sizeof(int), false)
        && verifier.VerifyField(table, Slot(AdapterModelVersion), sizeof(int), sizeof(int), false)
        && verifier.VerifyVectorOfTables(table, Slot(AdapterParameters), VerifyParameter, false)
        && verifier.VerifyTableEnd(table);

    private static bool VerifyParameter(Verifier verifier, uint table) =>
        verifier.VerifyTableStart(table)
        && verifier.VerifyString(table, Slot(ParameterName), true)
        && verifier.VerifyVectorOfData(table, Slot(ParameterDims), sizeof(long), false)
        && verifier.VerifyField(table, Slot(ParameterDataType), sizeof(int), sizeof(int), false)
        && verifier.VerifyVectorOfData(table, Slot(ParameterRawData), 1, false)
        && verifier.VerifyTableEnd(table);

    private static int Int(Table table, int field)
    {
        int o = table.__offset(Slot(field));
        return o == 0 ? 0 : table.bb.GetInt(table.bb_pos + o);
    }
}
