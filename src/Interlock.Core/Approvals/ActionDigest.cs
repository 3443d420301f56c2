using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Audit;

namespace Interlock.Approvals;

/// <summary>
/// The SHA-256 an approval is bound to: domain tag <c>interlock/action/v2</c>, then the agent, source, tool, topic,
/// command, cwd, path, home, content hash, sorted caller risk tags, the arguments as canonical JSON (keys sorted, no
/// whitespace) and the sorted targets the analyzer found, each a length-prefixed item (<see cref="CanonicalWriter"/>).
/// Any change to what would run, with what content, where, or as whom gives another digest.
/// </summary>
public static class ActionDigest
{
    public const string Domain = "interlock/action/v2";

    /// <summary>The content hash of a tool's input: SHA-256 of its canonical JSON (<see cref="ActionRequest.ContentHash"/>).</summary>
    public static string ContentHashOf(JsonElement input) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson(input))));

    public static string Compute(ActionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var r = facts.Request;
        var w = new CanonicalWriter();
        w.String(Domain);
        w.String(r.Agent ?? "default");
        w.String(r.Source.ToString().ToLowerInvariant());
        w.String(r.Tool);
        w.String(r.Topic);
        w.String(r.Command);
        w.String(r.Cwd);
        w.String(r.Path);
        w.String(r.Home);
        w.String(r.ContentHash);
        var tags = r.RiskTags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        w.Int(tags.Count);
        foreach (var t in tags) w.String(t);
        w.String(r.Arguments is { } args ? CanonicalJson(args) : null);
        var targets = facts.Operations.SelectMany(o => o.Targets).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        w.Int(targets.Count);
        foreach (var t in targets) w.String(t);
        // Only HTTP actions carry a request; other digests are unchanged by it.
        if (r.Http is { } http) w.String(http.Canonical());
        return Convert.ToHexStringLower(SHA256.HashData(w.ToArray()));
    }

    /// <summary>JSON with object keys in ordinal order and no whitespace; numbers keep their literal text.</summary>
    public static string CanonicalJson(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(writer, element);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(w, item);
                w.WriteEndArray();
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
