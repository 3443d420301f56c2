using System.Diagnostics;
using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage;
using Interlock.Storage.Sqlite;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>The relay's edges, against small real upstream programs (node one-liners): pass-through, refusals, failures, no orphans.</summary>
public sealed class McpProxyRelayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interlock-mcp-relay-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>An upstream that records its pid, then answers every line with a notification echoing it.</summary>
    private string EchoServer => $$"""
        require('fs').writeFileSync({{JsonSerializer.Serialize(Path.Combine(_dir, "pid"))}}, String(process.pid));
        require('readline').createInterface({ input: process.stdin }).on('line', l => console.log(JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: { line: l } })));
        """;

    private Process Start(string script, params string[] options) => Start(script, new Dictionary<string, string>(), options);

    private Process Start(string script, Dictionary<string, string> env, params string[] options)
    {
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        foreach (var a in (string[])["mcp-proxy", .. options, "--", "node", "-e", script]) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _dir;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }

    private static JsonElement ReadMessage(Process p) => McpLines.Read(p, 30_000);

    private static void Send(Process p, string line) => McpLines.Send(p, line);

    private static int WaitExit(Process p)
    {
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the proxy did not exit");
        }
        return p.ExitCode;
    }

    private void AssertChildGone()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(_dir, "pid")), System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < 50 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal); i++) Thread.Sleep(100);
        Assert.True(!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"upstream {pid} outlived the proxy");
    }

    private string WorkspaceRead(string id) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method = "tools/call", @params = new { name = "read_text_file", arguments = new { path = Path.Combine(_dir, "notes.txt") } } });

    [Fact]
    public void AnAuditStoreThatCannotBeOpenedRefusesEveryCallButRelaysTheRest()
    {
        var notADirectory = Path.Combine(_dir, "data");
        File.WriteAllText(notADirectory, "a file where the data directory should be");
        using var p = Start(EchoServer, "--data", notADirectory);
        Send(p, WorkspaceRead("r1"));
        var refused = ReadMessage(p);
        Assert.Equal("r1", refused.GetProperty("id").GetString());
        Assert.True(refused.GetProperty("result").GetProperty("isError").GetBoolean());
        var text = refused.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.StartsWith("Interlock denied this call: (fail closed) the audit store at " + notADirectory + " cannot be written", text, StringComparison.Ordinal);

        Send(p, """{"jsonrpc":"2.0","id":"p1","method":"ping"}""");
        Assert.Equal("""{"jsonrpc":"2.0","id":"p1","method":"ping"}""", ReadMessage(p).GetProperty("params").GetProperty("line").GetString());
        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));
    }

    [Fact]
    public async Task ACallStillUnansweredWhenTheSessionEndsGetsAResultSayingSo()
    {
        var data = Path.Combine(_dir, "data");
        // The echo server answers with notifications only, so the forwarded call is never answered.
        using var p = Start(EchoServer, "--data", data);
        Send(p, WorkspaceRead("r1"));
        Assert.Contains("\"r1\"", ReadMessage(p).GetProperty("params").GetProperty("line").GetString(), StringComparison.Ordinal);
        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));

        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = data });
        var records = await store.QueryAsync(new AuditQuery());
        Assert.Equal([AuditKind.Decision, AuditKind.Result], records.Select(r => r.Entry.Kind));
        Assert.Equal(records[0].Entry.ActionId, records[1].Entry.ActionId);
        using var result = JsonDocument.Parse(records[1].Entry.Payload);
        Assert.Equal("not_run", result.RootElement.GetProperty("status").GetString());
        Assert.Equal("tool 'read_text_file': forwarded, but no answer was relayed: the client closed the session and the upstream ended before answering", result.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public void PassesThroughNonGatedLinesAndRefusesGatedOnesWithoutForwarding()
    {
        using var p = Start(EchoServer);
        Send(p, "this is not json");
        Assert.Equal("this is not json", ReadMessage(p).GetProperty("params").GetProperty("line").GetString());

        Send(p, """{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"~/.ssh/id_rsa"}}}""");
        var denied = ReadMessage(p);
        Assert.Equal("c1", denied.GetProperty("id").GetString());
        Assert.True(denied.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.StartsWith("Interlock denied this call: ", denied.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        Send(p, """{"jsonrpc":"2.0","id":2,"method":"tools/call" BROKEN""");
        var parseError = ReadMessage(p);
        Assert.Equal(-32700, parseError.GetProperty("error").GetProperty("code").GetInt32());

        Send(p, """[{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_directory","arguments":{"path":"."}}}]""");
        Assert.Equal(-32600, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());

        Send(p, """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"frobnicate","arguments":{}}}""");
        Assert.True(ReadMessage(p).GetProperty("result").GetProperty("isError").GetBoolean());

        // Escapes and repeated keys cannot smuggle a call past the gate.
        Send(p, """{"jsonrpc":"2.0","id":6,"method":"tools\/call","params":{"name":"read_text_file","arguments":{"path":"~/.ssh/id_rsa"}}}""");
        Assert.True(ReadMessage(p).GetProperty("result").GetProperty("isError").GetBoolean());
        Send(p, """{"jsonrpc":"2.0","id":7,"method":"ping","method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"notes.txt"}}}""");
        Assert.Equal(-32700, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());
        Send(p, """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"notes.txt","path":"~/.aws/credentials"}}}""");
        Assert.Equal(-32700, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());
        Send(p, "{\"method\":\"tools\\/call\", " + new string('[', 300) + "}");
        Assert.Equal(-32700, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());

        // An allowed call reaches the server unchanged: the echo is the next thing we see, nothing refused in between.
        const string allowed = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"notes.txt"}}}""";
        Send(p, allowed);
        Assert.Equal(allowed, ReadMessage(p).GetProperty("params").GetProperty("line").GetString());

        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));
        AssertChildGone();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MY_AGENT_TOKEN")]
    public void TheUpstreamServerDoesNotSeeInterlocksVariables(string? tokenEnv)
    {
        // An upstream that answers any line with its whole environment.
        const string reportsEnv = "require('readline').createInterface({ input: process.stdin }).on('line', () => console.log(JSON.stringify({ jsonrpc: '2.0', method: 'env', params: process.env })));";
        var env = new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = "tok-default-7f3a", ["INTERLOCK_ANYTHING"] = "internal-9c1e", ["MY_AGENT_TOKEN"] = "tok-custom-52e1", ["KEEP_ME"] = "kept-4d2b" };
        using var p = Start(reportsEnv, env, tokenEnv is null ? [] : ["--token-env", tokenEnv]);
        Send(p, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        var seen = ReadMessage(p).GetProperty("params");
        var names = seen.EnumerateObject().Select(v => v.Name).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("INTERLOCK_", StringComparison.Ordinal));
        Assert.DoesNotContain("tok-default-7f3a", seen.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("kept-4d2b", seen.GetProperty("KEEP_ME").GetString());
        // Only the variable --token-env names is the token; without it, MY_AGENT_TOKEN is just another variable.
        Assert.Equal(tokenEnv is null, names.Contains("MY_AGENT_TOKEN"));
        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));
    }

    private static string ResourceRequest(string id, string method, string uri) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = new { uri } });

    [Theory]
    [InlineData("resources/read")]
    [InlineData("resources/subscribe")]
    public async Task ResourceReadsAreGatedLikeReadsOfTheSameThing(string method)
    {
        var data = Path.Combine(_dir, "data");
        using var p = Start(EchoServer, "--data", data);
        // A file:// URI is a read of that local path: credentials are refused with a JSON-RPC error naming the reason.
        foreach (var (id, uri) in new[] { ("k1", $"file://{_dir}/.ssh/id_rsa"), ("k2", $"file:///{_dir.TrimStart('/')}/.aws/%63redentials") })
        {
            Send(p, ResourceRequest(id, method, uri));
            var refused = ReadMessage(p);
            Assert.Equal(id, refused.GetProperty("id").GetString());
            Assert.Equal(-32001, refused.GetProperty("error").GetProperty("code").GetInt32());
            var message = refused.GetProperty("error").GetProperty("message").GetString();
            Assert.StartsWith("Interlock denied this call: ", message, StringComparison.Ordinal);
            Assert.Contains("credentials", message, StringComparison.Ordinal);
        }
        // A read of a workspace file is forwarded unchanged: its echo is the next thing we see, so the refused ones never reached the server.
        var allowed = ResourceRequest("k3", method, $"file://{_dir}/notes.txt");
        Send(p, allowed);
        Assert.Equal(allowed, ReadMessage(p).GetProperty("params").GetProperty("line").GetString());
        // Any other URI is gated as Claude Code's ReadMcpResourceTool is: egress to its host, which needs approval offline.
        Send(p, ResourceRequest("k4", method, "https://exfil.example.net/drop"));
        var egress = ReadMessage(p);
        Assert.Equal("k4", egress.GetProperty("id").GetString());
        Assert.StartsWith("Interlock denied this call: requires approval", egress.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        // Neither a batch nor a line that is not JSON gets one past the gate.
        Send(p, "[" + ResourceRequest("k5", method, $"file://{_dir}/notes.txt") + "]");
        Assert.Equal(-32600, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());
        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));

        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = data });
        var decisions = (await store.QueryAsync(new AuditQuery())).Where(r => r.Entry.Kind == AuditKind.Decision).ToList();
        Assert.Equal(4, decisions.Count);
        using var first = JsonDocument.Parse(decisions[0].Entry.Payload);
        Assert.Equal("ReadMcpResourceTool", first.RootElement.GetProperty("action").GetProperty("tool").GetString());
        Assert.Equal("deny", first.RootElement.GetProperty("decision").GetString());
    }

    [Fact]
    public void OversizedClientLineIsDroppedWithAnError()
    {
        using var p = Start(EchoServer);
        Send(p, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"pad\":\"" + new string('a', 5 * 1024 * 1024) + "\"}}}");
        Assert.Equal(-32600, ReadMessage(p).GetProperty("error").GetProperty("code").GetInt32());
        Send(p, "after");
        Assert.Equal("after", ReadMessage(p).GetProperty("params").GetProperty("line").GetString());
        p.StandardInput.Close();
        Assert.Equal(0, WaitExit(p));
    }

    [Fact]
    public void UpstreamGarbageFailsPendingRequestsAndKillsTheServer()
    {
        var script = $$"""
            require('fs').writeFileSync({{JsonSerializer.Serialize(Path.Combine(_dir, "pid"))}}, String(process.pid));
            process.stdin.once('data', () => console.log('garbage, not JSON'));
            setInterval(() => {}, 1000);
            """;
        using var p = Start(script);
        Send(p, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        var error = ReadMessage(p);
        Assert.Equal(1, error.GetProperty("id").GetInt32());
        Assert.Equal(-32603, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(2, WaitExit(p));
        AssertChildGone();
    }

    [Fact]
    public void UpstreamExitFailsPendingRequests()
    {
        using var p = Start("process.stdin.once('data', () => process.exit(3));");
        Send(p, """{"jsonrpc":"2.0","id":"x","method":"tools/list"}""");
        Assert.Equal("x", ReadMessage(p).GetProperty("id").GetString());
        Assert.Equal(2, WaitExit(p));
    }

    [Fact]
    public void SigtermKillsTheServer()
    {
        using var p = Start(EchoServer);
        Send(p, "ping");
        ReadMessage(p);
        Assert.Equal(0, Kill(p.Id, 15));
        Assert.Equal(143, WaitExit(p));
        AssertChildGone();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
