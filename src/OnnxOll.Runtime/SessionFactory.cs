using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Runtime;

/// <summary>Creates <see cref="OnnxSession"/>s from a model file or an in-memory <see cref="ModelProto"/>.</summary>
public static partial class SessionFactory
{
    private const string ExternalDataFolderKey = "session.model_external_initializers_file_folder_path";

    /// <summary>Opens the model at <paramref name="modelPath"/>; external data is resolved relative to the model's folder.</summary>
    /// <param name="modelPath">Path of the .onnx file.</param>
    /// <param name="settings">Session settings (null: <see cref="SessionSettings.Default"/>).</param>
    /// <param name="shared">Weights shared with other sessions; not owned, must outlive the session.</param>
    public static OnnxSession Open(string modelPath, SessionSettings? settings = null, SharedWeights? shared = null)
    {
        string fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{fullPath}: model file does not exist.", fullPath);
        }

        return Create(fullPath, settings, shared, null, (o, c) =>
            c is null ? new InferenceSession(fullPath, o) : new InferenceSession(fullPath, o, c));
    }

    /// <summary>Creates a session from an in-memory model (serialised to bytes).</summary>
    /// <param name="model">The model; external initializers are read from <paramref name="externalDataDirectory"/>.</param>
    /// <param name="settings">Session settings (null: <see cref="SessionSettings.Default"/>).</param>
    /// <param name="shared">Weights shared with other sessions; not owned, must outlive the session.</param>
    /// <param name="externalDataDirectory">Folder against which external-data locations resolve (null: the shared weights'
    /// folder, if any). ONNX Runtime checks these paths even for initializers that <paramref name="shared"/> replaces.</param>
    public static OnnxSession FromModel(ModelProto model, SessionSettings? settings = null, SharedWeights? shared = null,
        string? externalDataDirectory = null)
    {
        externalDataDirectory ??= shared?.ExternalDataDirectory;
        byte[] bytes = model.ToByteArray();
        string source = $"in-memory model '{model.Graph?.Name}'";
        return Create(source, settings, shared, externalDataDirectory, (o, c) =>
            c is null ? new InferenceSession(bytes, o) : new InferenceSession(bytes, o, c));
    }

    private static OnnxSession Create(string source, SessionSettings? settings, SharedWeights? shared, string? externalDataDirectory,
        Func<SessionOptions, PrePackedWeightsContainer?, InferenceSession> open)
    {
        settings ??= SessionSettings.Default;
        var options = settings.ToSessionOptions();
        RunOptions? runOptions = null;
        try
        {
            if (externalDataDirectory is not null)
            {
                options.AddSessionConfigEntry(ExternalDataFolderKey, Path.GetFullPath(externalDataDirectory));
            }

            shared?.Apply(options);
            runOptions = new RunOptions { LogSeverityLevel = settings.LogSeverity };
            InferenceSession session;
            try
            {
                session = open(options, shared?.PrePackedWeights);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"{source}: ONNX Runtime could not create a session ({Reason(e.Message)}).", e);
            }

            return new OnnxSession(session, options, runOptions, source);
        }
        catch
        {
            runOptions?.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>The part of an ONNX Runtime error a user can act on: after its last "[ONNXRuntimeError] : N : CODE :" and without the
    /// C++ source location and function signature (which otherwise fill the one error line before the reason appears).</summary>
    internal static string Reason(string message)
    {
        const string Marker = "[ONNXRuntimeError] : ";
        int at = message.LastIndexOf(Marker, StringComparison.Ordinal);
        string reason = at < 0 ? message : message[(at + Marker.Length)..];
        reason = OrtPrefix().Replace(reason, string.Empty);
        return reason.Trim().TrimEnd('.');
    }

    // "1 : FAIL : tensorprotoutils.cc:1876 GetExtDataFromTensorProto " or "/onnxruntime_src/.../x.cc:74 onnxruntime::F(...) ".
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:\d+ : \w+ : )?(?:\S+\.(?:cc|h|cpp):\d+ (?:\S+\([^)]*\)(?:\s*const)?|\S+) )?")]
    private static partial System.Text.RegularExpressions.Regex OrtPrefix();
}
