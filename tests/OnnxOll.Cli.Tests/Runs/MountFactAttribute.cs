namespace OnnxOll.Cli.Tests.Runs;

/// <summary>A fact that needs a small tmpfs (root with the mount capability, as CI runs) and is skipped, with one line, without one.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!SmallFileSystem.CanMount)
        {
            Skip = "needs root and permission to mount a tmpfs (to fill a disk or make a run folder read-only)";
        }
    }
}
