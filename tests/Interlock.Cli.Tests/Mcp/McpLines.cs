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

    /// <summary>An upstream MCP server (a node one-liner) that answers every request with a text naming the method it ran.</summary>
    public const string EchoUpstream = """
        require('readline').createInterface({ input: process.stdin }).on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'upstream ran ' + m.method }] } }));
        });
        """;

    /// <summary>
    /// One <c>tools/call</c> of <paramref name="tool"/> through <c>interlock mcp-proxy ARGS -- node -e EchoUpstream</c>
    /// run in <paramref name="cwd"/>: whether it was forwarded, or the decision document its refusal carried.
    /// </summary>
    public static (bool Forwarded, JsonElement? Document) CallOnce(IEnumerable<string> proxyArgs, string cwd, IReadOnlyDictionary<string, string> env, string tool, string arguments)
    {
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd,
        };
        foreach (var a in (string[])["mcp-proxy", .. proxyArgs, "--", "node", "-e", EchoUpstream]) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        Send(p, new System.Text.Json.Nodes.JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call",
            ["params"] = new System.Text.Json.Nodes.JsonObject { ["name"] = tool, ["arguments"] = System.Text.Json.Nodes.JsonNode.Parse(arguments) },
        }.ToJsonString());
        var reply = Read(p);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(60_000), "the proxy did not exit after its client closed");
        var result = reply.GetProperty("result");
        if (!result.TryGetProperty("isError", out var isError) || !isError.GetBoolean())
        {
            Assert.Equal("upstream ran tools/call", result.GetProperty("content")[0].GetProperty("text").GetString());
            return (true, null);
        }
        Assert.True(result.TryGetProperty("_meta", out var meta), $"a refusal without its decision: {reply}; {stderr.Result}");
        return (false, meta.GetProperty("interlock/decision").Clone());
    }
}
