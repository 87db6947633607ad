namespace OnnxOll.Clip.Tests.Model.Torch;

/// <summary>Paths of the committed checkpoints of tests/fixtures/generate.py (copied beside the test assembly).</summary>
internal static class TorchFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures", "torch");

    public static string File(string relative) => Path.Combine(Root, relative);
}
