namespace OnnxOll.Cli.Tests;

/// <summary>The command tests share one tiny model and one model cache (ONNXOLL_CACHE is process-wide), so they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli commands";
}
