using System.Text.Json;

namespace Interlock.Actions;

/// <summary>
/// Reads one action from a JSON object, naming the field that is wrong. The one reader of actions: <c>check --batch</c>
/// lines and the <c>action:</c> mappings of policy test files (converted to JSON) both go through it.
/// </summary>
public static class ActionJson
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "id", "command", "cwd", "tool", "path", "topic", "risk_tags", "agent", "arguments", "session", "source", "home", "content", "content_sha256",
        "method", "url", "headers", "body",
        // Corpus and test files carry their expectations alongside the action.
        "expect", "category", "note", "expected_rules",
    };

    /// <summary>A correlation id as it is echoed (<c>request_id</c>): a string as written, a number as its JSON text; null for anything else.</summary>
    public static string? CorrelationId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String => id.GetString(),
        JsonValueKind.Number => id.GetRawText(),
        _ => null,
    };

    /// <summary>The action, or an error message naming what was wrong.</summary>
    public static (ActionRequest? Request, string? Error) Parse(JsonElement obj, string defaultCwd, string? home)
    {
        if (obj.ValueKind != JsonValueKind.Object) return (null, $"expected a JSON object, got {obj.ValueKind.ToString().ToLowerInvariant()}");
        if (JsonText.FirstInvalid(obj) is { } where) return (null, $"a string is not valid Unicode (an unpaired surrogate escape) at {where}");
        foreach (var p in obj.EnumerateObject())
            if (!Known.Contains(p.Name)) return (null, $"unknown field '{p.Name}'");

        string? Str(string name, out string? error)
        {
            error = null;
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            error = $"field '{name}' must be a string, got {v.ValueKind.ToString().ToLowerInvariant()}";
            return null;
        }

        // A correlation id may be a number (batch lines number themselves) or a string.
        string? id = null;
        if (obj.TryGetProperty("id", out var idEl))
        {
            id = CorrelationId(idEl);
            if (id is null && idEl.ValueKind != JsonValueKind.Null) return (null, $"field 'id' must be a string or a number, got {idEl.ValueKind.ToString().ToLowerInvariant()}");
        }
        var command = Str("command", out var err); if (err is not null) return (null, err);
        var cwd = Str("cwd", out err); if (err is not null) return (null, err);
        var tool = Str("tool", out err); if (err is not null) return (null, err);
        var path = Str("path", out err); if (err is not null) return (null, err);
        var topic = Str("topic", out err); if (err is not null) return (null, err);
        var agent = Str("agent", out err); if (err is not null) return (null, err);
        var session = Str("session", out err); if (err is not null) return (null, err);
        var sourceText = Str("source", out err); if (err is not null) return (null, err);
        var homeOverride = Str("home", out err); if (err is not null) return (null, err);
        // What a write carries: the content itself (hashed here) or its SHA-256; either binds an approval to it.
        var content = Str("content", out err); if (err is not null) return (null, err);
        var contentHash = Str("content_sha256", out err); if (err is not null) return (null, err);
        if (content is not null && contentHash is not null) return (null, "give either 'content' or 'content_sha256', not both");
        if (contentHash is not null && (contentHash.Length != 64 || !contentHash.All(char.IsAsciiHexDigitLower) && !contentHash.All(char.IsAsciiHexDigit)))
            return (null, "field 'content_sha256' must be 64 hexadecimal digits");
        contentHash = content is not null
            ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))
            : contentHash?.ToLowerInvariant();

        var tags = new List<string>();
        if (obj.TryGetProperty("risk_tags", out var tagsEl) && tagsEl.ValueKind != JsonValueKind.Null)
        {
            if (tagsEl.ValueKind != JsonValueKind.Array) return (null, "field 'risk_tags' must be an array of strings");
            foreach (var t in tagsEl.EnumerateArray())
            {
                if (t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString())) return (null, "field 'risk_tags' must hold non-empty strings");
                tags.Add(t.GetString()!);
            }
        }
        JsonElement? arguments = null;
        if (obj.TryGetProperty("arguments", out var argsEl) && argsEl.ValueKind != JsonValueKind.Null)
        {
            if (argsEl.ValueKind != JsonValueKind.Object) return (null, "field 'arguments' must be an object");
            arguments = argsEl.Clone();
        }
        var (http, httpError) = ReadHttp(obj);
        if (httpError is not null) return (null, httpError);
        if (http is not null && (command is not null || tool is not null || topic is not null))
            return (null, "an HTTP action ('url') has no 'command', 'tool' or 'topic'; send them as separate actions");
        if (command is null && tool is null && topic is null && http is null) return (null, "the action needs a 'command', a 'tool', a 'topic' or a 'url'");
        if (cwd is not null && !cwd.StartsWith('/')) return (null, $"field 'cwd' must be an absolute path, got '{cwd}'");

        ActionSource source;
        if (sourceText is null) source = http is not null ? ActionSource.Http : command is not null ? ActionSource.Shell : tool is not null ? ActionSource.File : ActionSource.Job;
        else
        {
            // Names only: Enum.TryParse also takes numbers, blanks and comma-joined lists ("mcp,file" read as http).
            ActionSource? named = null;
            foreach (var v in Enum.GetValues<ActionSource>())
                if (v.ToString().Equals(sourceText, StringComparison.OrdinalIgnoreCase)) named = v;
            if (named is not { } known) return (null, $"field 'source' must be one of shell, file, mcp, http, job; got '{sourceText}'");
            source = known;
        }
        if (http is not null && source != ActionSource.Http) return (null, $"an action with a 'url' is an HTTP request; its 'source' must be http, got '{sourceText}'");

        return (new ActionRequest
        {
            Id = id,
            Source = source,
            Command = command,
            Cwd = cwd ?? defaultCwd,
            Tool = tool,
            Path = path,
            Topic = topic,
            Agent = agent,
            Session = session,
            RiskTags = tags,
            Arguments = arguments,
            Home = homeOverride ?? home,
            ContentHash = contentHash,
            Http = http,
        }, null);
    }

    /// <summary>The HTTP request in <c>method</c>, <c>url</c>, <c>headers</c> and <c>body</c>, none, or what is wrong with it.</summary>
    private static (HttpCall? Http, string? Error) ReadHttp(JsonElement obj)
    {
        bool Has(string name) => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;
        if (!Has("url"))
            return Has("method") || Has("headers") || Has("body") ? (null, "'method', 'headers' and 'body' belong to an HTTP action, which needs a 'url'") : (null, null);
        var url = obj.GetProperty("url");
        if (url.ValueKind != JsonValueKind.String) return (null, $"field 'url' must be a string, got {url.ValueKind.ToString().ToLowerInvariant()}");
        var text = url.GetString()!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || text.Any(char.IsControl) || text.Contains(' ', StringComparison.Ordinal))
            return (null, $"field 'url' must be an absolute http or https URL, got '{text}'");
        var method = "GET";
        if (Has("method"))
        {
            var m = obj.GetProperty("method");
            if (m.ValueKind != JsonValueKind.String || !HttpCall.IsToken(m.GetString()!))
                return (null, "field 'method' must be an HTTP method name (GET, POST, DELETE …)");
            method = m.GetString()!.ToUpperInvariant();
        }
        var headers = new List<KeyValuePair<string, string>>();
        if (Has("headers"))
        {
            var h = obj.GetProperty("headers");
            if (h.ValueKind != JsonValueKind.Object) return (null, "field 'headers' must be an object of header names to string values");
            foreach (var p in h.EnumerateObject())
            {
                if (!HttpCall.IsToken(p.Name)) return (null, $"header name '{p.Name}' is not a valid HTTP header name");
                if (p.Value.ValueKind != JsonValueKind.String) return (null, $"header '{p.Name}' must have a string value");
                var value = p.Value.GetString()!;
                if (value.Any(c => c is '\r' or '\n' or '\0')) return (null, $"header '{p.Name}' has a line break or NUL in its value");
                headers.Add(new(p.Name, value));
                if (headers.Count > HttpCall.MaxHeaders) return (null, $"an HTTP action has at most {HttpCall.MaxHeaders} headers");
            }
        }
        string? body = null;
        if (Has("body"))
        {
            var b = obj.GetProperty("body");
            if (b.ValueKind != JsonValueKind.String) return (null, "field 'body' must be a string (the request body as sent)");
            body = b.GetString();
        }
        return (new HttpCall(method, text, headers, body), null);
    }
}
