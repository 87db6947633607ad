namespace OnnxOll.TestSupport;

/// <summary>A fact that needs a file under the shared data folder (../shared/data beside the repository) and is skipped, with one line, when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedData.Find(relativePath) is null)
        {
            Skip = $"shared data '{relativePath}' not found (../shared/data beside the repository)";
        }
    }
}
