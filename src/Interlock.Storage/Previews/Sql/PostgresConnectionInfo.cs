using Npgsql;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// A PostgreSQL connection as libpq reads it (a <c>postgres://</c> URI, a <c>key=value</c> conninfo string, flags and
/// <c>PG*</c> variables), turned into an Npgsql connection string for a preview: no pooling (closing the connection
/// ends the transaction), short connect timeout, and a display that names host and database but never user or password.
/// </summary>
public sealed class PostgresConnectionInfo
{
    public string? Host { get; set; }
    public string? Port { get; set; }
    public string? Database { get; set; }
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? SslMode { get; set; }

    /// <summary>Reads a <c>postgres://</c> or <c>postgresql://</c> URI, or a conninfo string, into this; false when it is neither.</summary>
    public bool TryApply(string text)
    {
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            ApplyUri(text);
            return true;
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            foreach (var (k, v) in ConnInfo(text)) Set(k, v);
            return true;
        }
        return false;
    }

    /// <summary>Reads an Npgsql-style <c>Host=…;Database=…</c> string (as a resource map may give it); false when it is not one.</summary>
    public bool TryApplyNpgsql(string text)
    {
        if (!text.Contains(';', StringComparison.Ordinal) && !text.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var b = new NpgsqlConnectionStringBuilder(text);
            Host = b.Host; Database = b.Database; User = b.Username; Password = b.Password;
            Port = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            SslMode = b.SslMode == Npgsql.SslMode.Prefer ? null : b.SslMode.ToString().ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Set(string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host" or "hostaddr": Host = value; break;
            case "port": Port = value; break;
            case "dbname": if (!TryApply(value)) Database = value; break;
            case "user": User = value; break;
            case "password": Password = value; break;
            case "sslmode": SslMode = value; break;
        }
    }

    /// <summary>The host and database a reviewer may read: <c>postgres app on 127.0.0.1:5432</c>.</summary>
    public string Display => $"postgres {Database ?? User ?? "(default database)"} on {Host ?? "the local socket"}{(Port is null ? "" : ":" + Port)}";

    /// <summary>The Npgsql connection string: what libpq would use, with the defaults psql assumes (local socket, the OS user).</summary>
    public string ConnectionString(TimeSpan connectTimeout)
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = Host ?? "/var/run/postgresql",
            Username = User ?? Environment.UserName,
            Pooling = false,
            Timeout = Math.Clamp((int)Math.Ceiling(connectTimeout.TotalSeconds), 1, 30),
            ApplicationName = "interlock-preview",
        };
        if (Port is not null && int.TryParse(Port, out var port)) b.Port = port;
        b.Database = Database ?? b.Username;
        if (Password is not null) b.Password = Password;
        if (SslMode is not null && Enum.TryParse<SslMode>(SslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)) b.SslMode = mode;
        return b.ConnectionString;
    }

    private void ApplyUri(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? query = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && slash + 1 < rest.Length) Database = Uri.UnescapeDataString(rest[(slash + 1)..]);
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            User = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        if (authority.Length > 0)
        {
            // host:port, [v6]:port, or several host:port pairs separated by commas (Npgsql's Host takes the same list).
            int colon = authority.LastIndexOf(':');
            if (!authority.Contains(',', StringComparison.Ordinal) && colon > authority.LastIndexOf(']'))
            {
                Host = Uri.UnescapeDataString(authority[..colon]).Trim('[', ']');
                Port = authority[(colon + 1)..];
            }
            else Host = Uri.UnescapeDataString(authority);
        }
        if (query is null) return;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) Set(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
        }
    }

    /// <summary>libpq's <c>key=value key='quoted \' value'</c> pairs.</summary>
    private static IEnumerable<(string Key, string Value)> ConnInfo(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            int eq = text.IndexOf('=', i);
            if (eq < 0) yield break;
            var key = text[i..eq].Trim();
            i = eq + 1;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var value = new System.Text.StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i++]);
                }
                i++;
            }
            else
                while (i < text.Length && !char.IsWhiteSpace(text[i])) value.Append(text[i++]);
            yield return (key, value.ToString());
        }
    }
}
