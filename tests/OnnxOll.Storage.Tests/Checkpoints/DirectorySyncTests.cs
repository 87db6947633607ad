using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

namespace OnnxOll.Storage.Tests.Checkpoints;

public sealed class DirectorySyncTests
{
    [Fact]
    public void FlushesAnExistingFolderAndNamesAMissingOne()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "a.txt"), "a");
        DirectorySync.Flush(temp.Path);

        string missing = Path.Combine(temp.Path, "missing");
        if (!OperatingSystem.IsWindows())
        {
            var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        }
    }
}
