using OnnxOll.Jobs.Configuration;
using OnnxOll.TestSupport;

namespace OnnxOll.Jobs.Tests.Configuration;

public sealed class ConfigFileTests
{
    [Fact]
    public void JsonAndYamlGiveTheSameEntries()
    {
        using var dir = new TempDirectory();
        string json = dir.File("cfg.json");
        string yaml = dir.File("cfg.yaml");
        File.WriteAllText(json, """{"model": "m", "lr": 1e-3, "dropout": true, "method": ["replay:memory=500", "distill:weight=1"]}""");
        File.WriteAllText(yaml, "model: m\nlr: 1e-3\ndropout: true\nmethod:\n  - replay:memory=500\n  - distill:weight=1\n");

        var fromJson = ConfigFile.Read(json).Select(e => (e.Key, string.Join('|', e.Values))).ToList();
        var fromYaml = ConfigFile.Read(yaml).Select(e => (e.Key, string.Join('|', e.Values))).ToList();

        Assert.Equal([("model", "m"), ("lr", "1e-3"), ("dropout", "true"), ("method", "replay:memory=500|distill:weight=1")], fromJson);
        Assert.Equal(fromJson, fromYaml);
    }

    [Fact]
    public void ANestedObjectIsRefusedNamingFileAndKey()
    {
        using var dir = new TempDirectory();
        string json = dir.File("cfg.json");
        File.WriteAllText(json, """{"lr": {"value": 1}}""");

        var e = Assert.Throws<InvalidDataException>(() => ConfigFile.Read(json));

        Assert.Contains(json, e.Message, StringComparison.Ordinal);
        Assert.Contains("'lr'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWithoutRunJsonHasNoRecordedSettings()
    {
        using var dir = new TempDirectory();

        Assert.Null(ConfigFile.ReadRun(dir.Path));
    }
}
