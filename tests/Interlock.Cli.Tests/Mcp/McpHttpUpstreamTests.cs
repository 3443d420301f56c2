using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using static Interlock.Cli.Tests.Mcp.McpClient;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>
/// Runs once: the real sdk client (tests/mcp/client.mjs) against the real sdk Streamable HTTP server
/// (tests/mcp/http-server.mjs), first directly over HTTP, then over stdio through <c>./interlock mcp-proxy --upstream URL</c>.
/// </summary>
public sealed class McpHttpProxyRun : IDisposable
{
    private readonly Process _server;

    public string Dir { get; } = Directory.CreateTempSubdirectory("interlock-mcp-http-").FullName;
    public string Workspace => Path.Combine(Dir, "ws");
    public string Home => Path.Combine(Dir, "home");
    public string Log => Path.Combine(Dir, "calls.log");
    public string FileContent { get; } = "hello ünïcode \"quoted\"\n\tsecond line\n";
    public string Url { get; }
    public JsonElement Direct { get; }
    public JsonElement Proxied { get; }
    public string ProxiedStderr { get; }
    /// <summary>What the server logged while only the proxied client talked to it.</summary>
    public string[] UpstreamSaw { get; }

    public McpHttpProxyRun()
    {
        if (!File.Exists(Path.Combine(McpProxyRun.McpDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
            throw new InvalidOperationException($"the MCP test packages are not installed: run `npm ci --prefix {McpProxyRun.McpDir}`");
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Path.Combine(Home, ".aws"));
        File.WriteAllText(Path.Combine(Workspace, "notes.txt"), FileContent);
        File.WriteAllText(Path.Combine(Home, ".aws", "credentials"), "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        _server = StartServer(Log, out var port);
        Url = $"http://127.0.0.1:{port}/mcp";
        var steps = Path.Combine(Dir, "steps.json");
        File.WriteAllText(steps, JsonSerializer.Serialize(new object[]
        {
            new { name = "read_text_file", arguments = new { path = Path.Combine(Workspace, "notes.txt") } },
            new { name = "read_text_file", arguments = new { path = Path.Combine(Home, ".aws", "credentials") } },
            new { name = "write_file", arguments = new { path = "/srv/interlock-mcp-test/outside.txt", content = "x" } },
            new { name = "list_directory", arguments = new { path = Workspace } },
        }));
        Direct = McpClient.Parse(McpClient.Run(Workspace, Home, [steps, "--url", Url]));
        File.Delete(Log);
        var proxied = McpClient.Run(Workspace, Home, [steps, "--", Path.Combine(InterlockProcess.Root, "interlock"), "mcp-proxy", "--server-id", "fs", "--upstream", Url]);
        Proxied = McpClient.Parse(proxied);
        ProxiedStderr = proxied.Stderr;
        // The proxy ends the session (DELETE) on its way out; give the server's log a moment to show it.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10) && !(File.Exists(Log) && File.ReadAllText(Log).Contains("sessionClosed", StringComparison.Ordinal))) Thread.Sleep(50);
        UpstreamSaw = File.Exists(Log) ? File.ReadAllLines(Log) : [];
    }

    /// <summary>Starts tests/mcp/http-server.mjs and reads the port it bound.</summary>
    internal static Process StartServer(string log, out int port, string? mode = null)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(McpProxyRun.McpDir, "http-server.mjs"));
        psi.ArgumentList.Add(log);
        if (mode is not null) psi.ArgumentList.Add(mode);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        var first = p.StandardOutput.ReadLineAsync();
        if (!first.Wait(30_000) || first.Result is not { } line || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the HTTP MCP test server did not start");
        }
        port = int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture);
        return p;
    }

    public void Dispose()
    {
        try { _server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _server.WaitForExit(10_000);
        _server.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class McpHttpUpstreamTests(McpHttpProxyRun run) : IClassFixture<McpHttpProxyRun>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interlock-mcp-http-edge-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string[] CallsSeenUpstream => [.. run.UpstreamSaw.Where(l => l.Contains("\"name\"", StringComparison.Ordinal))];

    [Fact]
    public void ToolsListAndServerInfoAreRelayedUnchanged()
    {
        Assert.Equal(3, run.Direct.GetProperty("tools").GetArrayLength());
        AssertToolsAndServerRelayedUnchanged(run.Direct, run.Proxied);
    }

    [Fact]
    public void WorkspaceReadIsForwardedWithIdenticalContent() => AssertWorkspaceReadForwardedUnchanged(run.Direct, run.Proxied, run.FileContent);

    [Fact]
    public void SeveralMessagesPerPostAndTheGetStreamReachTheClient()
    {
        // The read's SSE answer carries a logging notification before the result; list_directory's tools/list_changed
        // travels on the session's GET stream.
        // Directly, the credential read logs a second line; through the proxy it never reaches the server.
        Assert.Equal(2, run.Direct.GetProperty("logs").GetArrayLength());
        Assert.Equal(1, run.Proxied.GetProperty("logs").GetArrayLength());
        Assert.Equal(run.Direct.GetProperty("logs")[0].GetRawText(), run.Proxied.GetProperty("logs")[0].GetRawText());
        Assert.Equal(1, run.Direct.GetProperty("toolListChanged").GetInt32());
        Assert.Equal(1, run.Proxied.GetProperty("toolListChanged").GetInt32());
        Assert.Equal(Call(run.Direct, 3).GetRawText(), Call(run.Proxied, 3).GetRawText());
    }

    [Fact]
    public void CredentialReadIsDeniedAndNeverReachesTheUpstream()
    {
        AssertCredentialReadDenied(run.Direct, run.Proxied);
        Assert.DoesNotContain(CallsSeenUpstream, l => l.Contains("credentials", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteOutsideTheWorkspaceIsDeniedAndNeverReachesTheUpstream()
    {
        var result = Call(run.Proxied, 2);
        Assert.True(IsError(result));
        Assert.StartsWith("Interlock denied this call: requires approval", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(CallsSeenUpstream, l => l.Contains("write_file", StringComparison.Ordinal));
        // Exactly the two allowed calls went through, and the proxy ended the session on its way out.
        Assert.Equal(["read_text_file", "list_directory"], CallsSeenUpstream.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString()));
        Assert.Contains(run.UpstreamSaw, l => l.Contains("sessionClosed", StringComparison.Ordinal));
        Assert.Contains("interlock mcp-proxy:", run.ProxiedStderr, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonAnswersAreRelayedToo()
    {
        var log = Path.Combine(_dir, "calls.log");
        using var server = McpHttpProxyRun.StartServer(log, out var port, "--json");
        try
        {
            var steps = Path.Combine(_dir, "steps.json");
            File.WriteAllText(steps, JsonSerializer.Serialize(new object[] { new { name = "read_text_file", arguments = new { path = Path.Combine(run.Workspace, "notes.txt") } } }));
            var output = McpClient.Run(run.Workspace, run.Home, [steps, "--", Path.Combine(InterlockProcess.Root, "interlock"), "mcp-proxy", "--upstream", $"http://127.0.0.1:{port}/mcp"]);
            using var doc = JsonDocument.Parse(output.Stdout);
            Assert.False(doc.RootElement.TryGetProperty("fatal", out _), output.Stdout + output.Stderr);
            Assert.Equal(run.FileContent, Text(Call(doc.RootElement, 0)));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    [Fact]
    public void AnUnreachableUpstreamGivesTheClientAnErrorNotAHang()
    {
        // A port that was just free: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var steps = Path.Combine(_dir, "steps.json");
        File.WriteAllText(steps, "[]");
        var watch = Stopwatch.StartNew();
        var output = McpClient.Run(_dir, _dir, [steps, "--", Path.Combine(InterlockProcess.Root, "interlock"), "mcp-proxy", "--upstream", $"http://127.0.0.1:{port}/mcp"]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        using var doc = JsonDocument.Parse(output.Stdout);
        var fatal = doc.RootElement.GetProperty("fatal").GetString()!;
        Assert.Contains("Interlock: cannot reach the upstream MCP server", fatal, StringComparison.Ordinal);
    }

    [Fact]
    public void AClientLeavingWhileTheUpstreamNeverAnswersEndsTheProxy()
    {
        // Accepts connections (the kernel does) and never answers a byte.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
            var watch = Stopwatch.StartNew();
            var result = InterlockProcess.Run(["mcp-proxy", "--upstream", $"http://127.0.0.1:{port}/mcp"], stdin: initialize + "\n", home: _dir, cwd: _dir, timeoutMs: 60_000);
            Assert.Equal(0, result.ExitCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void UpstreamUrlAndCommandAreMutuallyExclusive()
    {
        var both = InterlockProcess.Run(["mcp-proxy", "--upstream", run.Url, "--", "node", "-e", "0"], home: _dir, cwd: _dir);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("either --upstream URL or -- COMMAND, not both", both.Stderr, StringComparison.Ordinal);
        var bad = InterlockProcess.Run(["mcp-proxy", "--upstream", "file:///etc/passwd"], home: _dir, cwd: _dir);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("is not an http(s) URL", bad.Stderr, StringComparison.Ordinal);
    }
}
