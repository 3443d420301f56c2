using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage;
using Interlock.Storage.Sqlite;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>MCP <c>notifications/cancelled</c> offline: a call the client cancelled before it reached the upstream never does.</summary>
public sealed class McpCancelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interlock-mcp-cancel-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_call_cancelled_while_the_upstream_is_not_reading_is_never_forwarded_and_is_audited_as_not_run()
    {
        var seen = Path.Combine(_dir, "seen.log");
        var go = Path.Combine(_dir, "go");
        // An upstream that reads nothing until the test says so, then logs every line and answers every request.
        var script = $$"""
            const fs = require('fs');
            const wait = setInterval(() => {
              if (!fs.existsSync({{JsonSerializer.Serialize(go)}})) return;
              clearInterval(wait);
              require('readline').createInterface({ input: process.stdin }).on('line', l => {
                fs.appendFileSync({{JsonSerializer.Serialize(seen)}}, l + '\n');
                const m = JSON.parse(l);
                if (m.id !== undefined) console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {} }));
              });
            }, 20);
            """;
        var data = Path.Combine(_dir, "data");
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        foreach (var a in new[] { "mcp-proxy", "--data", data, "--", "node", "-e", script }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _dir;
        using var p = Process.Start(psi)!;
        var stderr = new ConcurrentQueue<string>();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
        p.BeginErrorReadLine();

        // More than a pipe holds, so the proxy's write to the upstream blocks until the upstream reads.
        McpLines.Send(p, JsonSerializer.Serialize(new { jsonrpc = "2.0", method = "notifications/message", @params = new { pad = new string('x', 512 * 1024) } }));
        McpLines.Send(p, JsonSerializer.Serialize(new { jsonrpc = "2.0", id = "c1", method = "tools/call", @params = new { name = "read_text_file", arguments = new { path = Path.Combine(_dir, "notes.txt") } } }));
        McpLines.Send(p, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c1","reason":"the user pressed stop"}}""");
        var deadline = Stopwatch.StartNew();
        while (!stderr.Any(l => l.Contains("\"c1\": cancelled by the client", StringComparison.Ordinal)) && deadline.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(50);
        Assert.Contains(stderr, l => l.Contains("\"c1\": cancelled by the client before it was forwarded", StringComparison.Ordinal));

        File.WriteAllText(go, "");
        McpLines.Send(p, """{"jsonrpc":"2.0","id":"p1","method":"ping"}""");
        Assert.Equal("p1", McpLines.Read(p).GetProperty("id").GetString());
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(30_000));

        // The upstream got the lines before and after, but neither the call nor a cancel for a request it never saw.
        var lines = File.ReadAllLines(seen);
        Assert.Equal(2, lines.Length);
        Assert.Contains("notifications/message", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"p1\"", lines[1], StringComparison.Ordinal);

        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = data });
        var records = await store.QueryAsync(new AuditQuery());
        Assert.Equal([AuditKind.Decision, AuditKind.Result], records.Select(r => r.Entry.Kind));
        Assert.Equal(records[0].Entry.ActionId, records[1].Entry.ActionId);
        using var result = JsonDocument.Parse(records[1].Entry.Payload);
        Assert.Equal("not_run", result.RootElement.GetProperty("status").GetString());
        Assert.Equal("cancelled by the client", result.RootElement.GetProperty("detail").GetString());
    }
}
