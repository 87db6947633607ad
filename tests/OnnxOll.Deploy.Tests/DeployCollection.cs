namespace OnnxOll.Deploy.Tests;

/// <summary>The deployment tests share one tiny model and one model cache (ONNXOLL_CACHE is process-wide), so they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DeployCollection : ICollectionFixture<DeployFixture>
{
    public const string Name = "deploy";
}
