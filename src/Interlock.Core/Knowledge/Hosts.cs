namespace Interlock.Knowledge;

/// <summary>Hosts named in commands and tool arguments: which are this machine, and how to read one out of a URL.</summary>
internal static class Hosts
{
    /// <summary>Whether <paramref name="text"/> is an http(s) URL rather than a path.</summary>
    public static bool IsHttpUrl(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a host is this machine (loopback names and addresses).</summary>
    /// <remarks>
    /// An address must parse as one: a prefix test let <c>127.0.0.1.evil.example</c>, a name anyone can register,
    /// count as this machine.
    /// </remarks>
    public static bool IsLocal(string host)
    {
        if (host is "localhost" or "0.0.0.0" || host.EndsWith(".localhost", StringComparison.Ordinal)) return true;
        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return System.Net.IPAddress.TryParse(address, out var ip) && System.Net.IPAddress.IsLoopback(ip)
            && (address.Contains(':', StringComparison.Ordinal) || IsDottedQuad(address));
    }

    /// <summary>
    /// The data store or control plane listening on <paramref name="port"/> by default, or null: a raw connection there
    /// speaks its own protocol (<c>printf 'FLUSHALL\r\n' | nc localhost 6379</c>), where any command can change or
    /// delete what it holds. A switch, so no table is built when a process first asks about a host.
    /// </summary>
    public static string? ServiceOnPort(string port) =>
        !int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? null : n switch
        {
            6379 or 6380 => "redis", 26379 => "redis sentinel", 11211 => "memcached", 5432 => "postgres", 3306 or 33060 => "mysql",
            27017 => "mongodb", 9200 or 9300 => "elasticsearch", 5984 => "couchdb", 8086 => "influxdb", 2379 => "etcd",
            2181 => "zookeeper", 9092 => "kafka", 5672 or 15672 => "rabbitmq", 4222 => "nats", 8500 => "consul", 8200 => "vault",
            2375 or 2376 => "the docker daemon", 6443 => "the kubernetes API", 10250 => "the kubelet", 9042 => "cassandra",
            26257 => "cockroachdb", 1433 => "sql server", 1521 => "oracle", 8123 => "clickhouse", 8529 => "arangodb", 7687 => "neo4j",
            28015 => "rethinkdb", 6333 => "qdrant", 19530 => "milvus",
            _ => null,
        };

    /// <summary>Cloud instance metadata services by name; their credential paths hand out the instance's cloud credentials.</summary>
    private static readonly string[] MetadataNames = ["metadata.google.internal", "metadata.goog", "metadata"];

    /// <summary>
    /// Whether <paramref name="host"/> is a cloud instance metadata service (AWS/Azure/GCP/OCI 169.254.169.254, ECS
    /// 169.254.170.2, Alibaba 100.100.100.200, AWS IPv6 fd00:ec2::254, GCP by name), in any address spelling
    /// <c>IPAddress</c> reads (decimal, hex, IPv4-mapped IPv6).
    /// </summary>
    public static bool IsMetadataService(string host)
    {
        var h = host.TrimEnd('.').ToLowerInvariant();
        if (Array.IndexOf(MetadataNames, h) >= 0) return true;
        var address = h.StartsWith('[') && h.EndsWith(']') ? h[1..^1] : h;
        if (!System.Net.IPAddress.TryParse(address, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return ip.ToString() is "169.254.169.254" or "169.254.170.2" or "100.100.100.200" or "fd00:ec2::254";
    }

    /// <summary>Four decimal parts: <c>IPAddress.TryParse</c> also takes forms such as <c>127.1</c> or <c>2130706433</c>, which curl reads differently.</summary>
    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && Array.TrueForAll(parts, p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }

    /// <summary>
    /// A URL or host spec split at its authority: the scheme (<c>http</c> when none is written), the authority without
    /// user info (<c>host[:port]</c>), and what follows it (path, query, fragment). The authority ends at the first '/',
    /// '?' or '#'; only an '@' inside it separates user info (<c>http://evil.example#@localhost/</c> goes to evil.example).
    /// </summary>
    private static (string Scheme, string Authority, string Tail) Split(string target)
    {
        var t = target;
        int scheme = t.IndexOf("://", StringComparison.Ordinal);
        var name = scheme >= 0 ? t[..scheme].ToLowerInvariant() : "http";
        if (scheme >= 0) t = t[(scheme + 3)..];
        int authorityEnd = t.IndexOfAny(['/', '?', '#']);
        var rest = authorityEnd >= 0 ? t[authorityEnd..] : "";
        if (authorityEnd >= 0) t = t[..authorityEnd];
        int at = t.LastIndexOf('@');
        if (at >= 0) t = t[(at + 1)..];
        return (name, t, rest);
    }

    /// <summary>The host of a URL or host spec (<c>https://api.x.com/v1</c>, <c>user@host:path</c>), lower-cased.</summary>
    public static string Of(string target)
    {
        var t = Split(target).Authority;
        if (t.StartsWith('[')) { int close = t.IndexOf(']', StringComparison.Ordinal); return close > 0 ? t[..(close + 1)] : t; }
        int colon = t.LastIndexOf(':');
        if (colon >= 0) t = t[..colon];
        return t.ToLowerInvariant();
    }

    /// <summary>The port a URL or <c>host:port</c> names, the scheme's default (http 80, https 443) when none is written; null when unknown.</summary>
    public static int? PortOf(string target)
    {
        var (scheme, t, _) = Split(target);
        int close = t.LastIndexOf(']');
        int colon = t.LastIndexOf(':');
        if (colon > close)
            return int.TryParse(t.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
        return scheme switch { "http" or "ws" => 80, "https" or "wss" => 443, _ => null };
    }

    /// <summary>The path of a URL (without query or fragment), <c>""</c> when it has none.</summary>
    public static string PathOf(string target)
    {
        var rest = Split(target).Tail;
        if (!rest.StartsWith('/')) return "";
        int end = rest.IndexOfAny(['?', '#']);
        return end >= 0 ? rest[..end] : rest;
    }

    /// <summary>The query of a URL (after '?', before '#'), <c>""</c> when it has none.</summary>
    public static string QueryOf(string target)
    {
        var rest = Split(target).Tail;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q < 0) return "";
        int hash = rest.IndexOf('#', q);
        return hash >= 0 ? rest[(q + 1)..hash] : rest[(q + 1)..];
    }

    /// <summary>
    /// The local path a <c>file://</c> URI names, as the program opening it sees it: the authority (empty or
    /// <c>localhost</c>) dropped and percent escapes decoded (<c>file:///home/x/%2Essh/id_rsa</c> is <c>~/.ssh/id_rsa</c>);
    /// a query or fragment is not part of the path.
    /// </summary>
    public static string FileUriPath(string uri)
    {
        var rest = uri[7..];
        // Not a URI authority but a home path some programs accept (file://~/notes): keep it one.
        if (rest.StartsWith("~/", StringComparison.Ordinal)) return Uri.UnescapeDataString(rest);
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        rest = slash < 0 ? "/" : rest[slash..];
        var end = rest.IndexOfAny(['?', '#']);
        if (end >= 0) rest = rest[..end];
        return Uri.UnescapeDataString(rest);
    }
}
