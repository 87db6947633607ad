using System.Globalization;

namespace OnnxOll.Streams.Redis;

/// <summary>A Redis Streams source: <c>redis://HOST:PORT/STREAM?group=G[&amp;consumer=C][&amp;max_wait_ms=2000][&amp;end_idle_ms=N]</c>.</summary>
/// <remarks>Entries carry a <c>label</c> field and an <c>image</c> field (the encoded file). <c>end_idle_ms</c> ends the stream
/// after that long without entries (a drain-and-exit job); without it the stream waits for entries until cancelled.</remarks>
public sealed record RedisStreamSpec(string Host, int Port, string Stream, string Group, string Consumer, TimeSpan MaxWait, TimeSpan? EndIdle)
{
    /// <summary>The scheme of Redis data specs.</summary>
    public const string Scheme = "redis://";

    /// <summary>Whether <paramref name="spec"/> names a Redis stream.</summary>
    public static bool IsRedis(string spec) => spec.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a spec; errors name the spec and the part that is wrong.</summary>
    /// <exception cref="ArgumentException">The spec is malformed.</exception>
    public static RedisStreamSpec Parse(string spec)
    {
        if (!IsRedis(spec) || !Uri.TryCreate(spec, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"--data '{spec}': expected redis://HOST:PORT/STREAM?group=GROUP.");
        }

        string stream = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (stream.Length == 0)
        {
            throw new ArgumentException($"--data '{spec}': the stream key (the path after HOST:PORT/) is missing.");
        }

        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty, StringComparer.Ordinal);
        string[] known = ["group", "consumer", "max_wait_ms", "end_idle_ms"];
        if (query.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"--data '{spec}': unknown parameter '{unknown}' (known: {string.Join(", ", known)}).");
        }

        if (!query.TryGetValue("group", out var group) || group.Length == 0)
        {
            throw new ArgumentException($"--data '{spec}': parameter 'group' is missing (each learner keeps its own consumer group).");
        }

        return new RedisStreamSpec(
            uri.Host,
            uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port,
            stream,
            group,
            query.TryGetValue("consumer", out var consumer) && consumer.Length > 0 ? consumer : "onnxoll",
            TimeSpan.FromMilliseconds(Milliseconds(query, "max_wait_ms", spec) ?? 2000),
            Milliseconds(query, "end_idle_ms", spec) is { } idle ? TimeSpan.FromMilliseconds(idle) : null);
    }

    private static int? Milliseconds(Dictionary<string, string> query, string key, string spec)
    {
        if (!query.TryGetValue(key, out var text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"--data '{spec}': {key} '{text}': expected a positive number of milliseconds.");
    }
}
