using System.Text.Json;

namespace Interlock.Actions;

/// <summary>An MCP resource read as an action: the shape Claude Code's <c>ReadMcpResourceTool</c> gives the hooks, used by the MCP proxy too.</summary>
/// <remarks>
/// One translation for every entry point, so one policy rule on <see cref="Tool"/> covers both, and
/// <see cref="McpToolAnalysis"/> reads the <c>uri</c> the same way: a <c>file://</c> URI is a read of that local path
/// (a credential path is a credential read), any other URI is egress to its host.
/// </remarks>
public static class McpResourceRead
{
    /// <summary>The tool name Claude Code gives resource reads, and the proxy's <c>resources/read</c> and <c>resources/subscribe</c>.</summary>
    public const string Tool = "ReadMcpResourceTool";

    /// <summary>The arguments <c>ReadMcpResourceTool</c> carries: <c>{"server": …, "uri": …}</c>.</summary>
    public static JsonElement Arguments(string server, string uri)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(uri);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("server", server);
            w.WriteString("uri", uri);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }
}
