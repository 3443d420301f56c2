using System.Diagnostics;
using System.Text.Json;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>Talking JSON-RPC lines to an <c>interlock mcp-proxy</c> process, as an MCP client does over stdio.</summary>
internal static class McpLines
{
    /// <summary>The next message from the proxy, failing the test if none arrives in time.</summary>
    public static JsonElement Read(Process p, int timeoutMs = 60_000)
    {
        var read = p.StandardOutput.ReadLineAsync();
        Assert.True(read.Wait(timeoutMs), $"no message from the proxy within {timeoutMs / 1000} s");
        Assert.NotNull(read.Result);
        using var doc = JsonDocument.Parse(read.Result);
        return doc.RootElement.Clone();
    }

    public static void Send(Process p, string line)
    {
        p.StandardInput.Write(line + "\n");
        p.StandardInput.Flush();
    }
}
