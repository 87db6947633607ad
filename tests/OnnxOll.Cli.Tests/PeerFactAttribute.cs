namespace OnnxOll.Cli.Tests;

/// <summary>A fact that compares with the libtorch peer (../shared/peer) and is skipped, with one line, when the peer is not built.</summary>
public sealed class PeerFactAttribute : FactAttribute
{
    public PeerFactAttribute()
    {
        if (Peer.Executable() is null)
        {
            Skip = "libtorch peer not built (../shared/peer/bin/Release/net10.0/clipref); build it there or set ONNXOLL_CLIPREF to compare";
        }
    }
}
