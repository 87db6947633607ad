namespace OnnxOll.Streams.Data;

/// <summary>A regular file inside a tar: its full name and where its bytes lie in the archive.</summary>
internal readonly record struct TarMember(string Name, long DataOffset, long Length);
