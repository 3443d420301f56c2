namespace Interlock.Knowledge;

/// <summary>Hosts named in commands and tool arguments: which are this machine, and how to read one out of a URL.</summary>
internal static class Hosts
{
    /// <summary>Whether <paramref name="text"/> is an http(s) URL rather than a path.</summary>
    public static bool IsHttpUrl(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a host is this machine (loopback names and addresses).</summary>
    public static bool IsLocal(string host) =>
        host is "localhost" or "127.0.0.1" or "::1" or "[::1]" or "0.0.0.0" || host.StartsWith("127.", StringComparison.Ordinal) || host.EndsWith(".localhost", StringComparison.Ordinal);

    /// <summary>The host of a URL or host spec (<c>https://api.x.com/v1</c>, <c>user@host:path</c>), lower-cased.</summary>
    public static string Of(string target)
    {
        var t = target;
        int scheme = t.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) t = t[(scheme + 3)..];
        int at = t.IndexOf('@', StringComparison.Ordinal);
        int slash = t.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && (slash < 0 || at < slash)) t = t[(at + 1)..];
        int end = t.IndexOfAny(['/', '?', '#']);
        if (end >= 0) t = t[..end];
        if (t.StartsWith('[')) { int close = t.IndexOf(']', StringComparison.Ordinal); return close > 0 ? t[..(close + 1)] : t; }
        int colon = t.LastIndexOf(':');
        if (colon >= 0) t = t[..colon];
        return t.ToLowerInvariant();
    }
}
