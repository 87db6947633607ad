using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;
using OnnxOll.TestSupport;

namespace OnnxOll.Runtime.Tests.GraphExecution;

/// <summary>Graphs built with the builder, saved and loaded every way, run in ONNX Runtime and checked against plain loops.</summary>
public sealed class GraphExecutionTests
{
    private const double RelativeTolerance = 1e-5;
    private const string SideFile = "weights.bin";

    /// <summary>How a model travels from the builder to the session.</summary>
    public enum Storage
    {
        /// <summary>Saved inline, loaded with ModelIO, session from the loaded proto.</summary>
        Inline,

        /// <summary>Saved with external data, loaded without it, session from the proto with the side file's folder.</summary>
        ExternalInMemory,

        /// <summary>Saved with external data, session opened from the path (ONNX Runtime reads the side file).</summary>
        ExternalFromFile,

        /// <summary>Saved with external data, loaded with it, re-saved inline elsewhere, session opened from the new path.</summary>
        ExternalReloadedInline,
    }

    public static TheoryData<string, Storage> Cases()
    {
        var data = new TheoryData<string, Storage>();
        foreach (var name in OpCases.Names)
        {
            foreach (var storage in Enum.GetValues<Storage>())
            {
                data.Add(name, storage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OperatorMatchesItsReferenceAfterTheRoundTrip(string caseName, Storage storage)
    {
        var opCase = OpCases.Get(caseName);
        using var dir = new TempDirectory();
        using var session = OpenAfterRoundTrip(opCase, storage, dir);
        using var run = session.Bind();
        foreach (var input in opCase.Inputs)
        {
            input.CopyTo(run.Input(input.Name, input.Shape));
        }

        var output = run.Output(session.OutputNames[0], opCase.OutputShape);
        run.Run();

        var actual = output.AsSpan<float>();
        Assert.Equal(opCase.Expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double e = opCase.Expected[i];
            Assert.True(Math.Abs(actual[i] - e) <= RelativeTolerance * Math.Max(1, Math.Abs(e)),
                $"{caseName} ({storage}): y[{i}] = {actual[i]}, expected {e}");
        }
    }

    private static OnnxSession OpenAfterRoundTrip(OpCase opCase, Storage storage, TempDirectory dir)
    {
        string path = dir.File("model.onnx");
        var external = new ExternalDataOptions(SideFile, SizeThreshold: 16);
        switch (storage)
        {
            case Storage.Inline:
                ModelIO.Save(opCase.Model, path);
                return SessionFactory.FromModel(ModelIO.Load(path));

            case Storage.ExternalInMemory:
                ModelIO.Save(opCase.Model, path, external);
                var loaded = ModelIO.Load(path);
                Assert.Contains(loaded.Graph.Initializer, t => t.DataLocation == TensorProto.Types.DataLocation.External);
                return SessionFactory.FromModel(loaded, externalDataDirectory: dir.Path);

            case Storage.ExternalFromFile:
                ModelIO.Save(opCase.Model, path, external);
                return SessionFactory.Open(path);

            default:
                ModelIO.Save(opCase.Model, path, external);
                var full = ModelIO.Load(path, loadExternalData: true);
                AssertSameInitializers(opCase.Model, full);
                File.Delete(dir.File(SideFile));
                string inlinePath = dir.File("inline/model.onnx");
                ModelIO.Save(full, inlinePath);
                return SessionFactory.Open(inlinePath);
        }
    }

    private static void AssertSameInitializers(ModelProto original, ModelProto reloaded)
    {
        Assert.Equal(original.Graph.Initializer.Select(t => t.Name), reloaded.Graph.Initializer.Select(t => t.Name));
        foreach (var (o, r) in original.Graph.Initializer.Zip(reloaded.Graph.Initializer))
        {
            Assert.Equal(TensorProto.Types.DataLocation.Default, r.DataLocation);
            Assert.Equal(o.Dims, r.Dims);
            Assert.Equal(o.RawData.ToByteArray(), r.RawData.ToByteArray());
        }
    }
}
