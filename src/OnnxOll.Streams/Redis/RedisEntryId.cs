using System.Globalization;

namespace OnnxOll.Streams.Redis;

/// <summary>Maps Redis stream entry ids (<c>MS-SEQ</c>) to and from monotonic 64-bit stream cursors (<c>MS &lt;&lt; 20 | SEQ</c>).</summary>
/// <remarks>A checkpoint stores the cursor of the last entry it covers. Auto-generated ids stay in range: milliseconds below
/// 2^43 (year 2248) and fewer than 2^20 entries within one millisecond.</remarks>
public static class RedisEntryId
{
    private const int SequenceBits = 20;

    /// <summary>The cursor of entry <paramref name="id"/>.</summary>
    /// <exception cref="InvalidDataException">The id is malformed or out of range.</exception>
    public static long ToCursor(string id)
    {
        int dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
            || !long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            || ms >= 1L << (63 - SequenceBits) || seq >= 1L << SequenceBits)
        {
            throw new InvalidDataException($"Redis stream entry id '{id}' is not MS-SEQ with MS < 2^43 and SEQ < 2^20.");
        }

        return (ms << SequenceBits) | seq;
    }

    /// <summary>The entry id of <paramref name="cursor"/>.</summary>
    public static string FromCursor(long cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"{cursor >> SequenceBits}-{cursor & ((1L << SequenceBits) - 1)}");
}
