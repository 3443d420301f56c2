using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage;
using Interlock.Storage.Sqlite;
using static Interlock.Cli.Tests.Mcp.McpClient;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>
/// Runs once: a real MCP client (tests/mcp/client.mjs on @modelcontextprotocol/sdk) against the real
/// @modelcontextprotocol/server-filesystem, first directly, then through <c>./interlock mcp-proxy</c>.
/// </summary>
public sealed class McpProxyRun : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("interlock-mcp-").FullName;
    public string Workspace => Path.Combine(Dir, "ws");
    public string Home => Path.Combine(Dir, "home");
    /// <summary>The proxy's data directory: its audit log.</summary>
    public string Data => Path.Combine(Dir, "data");
    public string FileContent { get; } = "hello ünïcode \"quoted\"\n\tsecond line\n";
    public JsonElement Direct { get; }
    public JsonElement Proxied { get; }
    public string ProxiedStderr { get; }

    public static string McpDir => Path.Combine(InterlockProcess.Root, "tests", "mcp");

    public static string ServerEntry => Path.Combine(McpDir, "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js");

    public McpProxyRun()
    {
        if (!File.Exists(ServerEntry) || !File.Exists(Path.Combine(McpDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
            throw new InvalidOperationException($"the MCP test packages are not installed: run `npm ci --prefix {McpDir}` (.ci/run does this) — {ServerEntry} is missing");
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Path.Combine(Home, ".aws"));
        File.WriteAllText(Path.Combine(Workspace, "notes.txt"), FileContent);
        File.WriteAllText(Path.Combine(Home, ".aws", "credentials"), "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        var steps = Path.Combine(Dir, "steps.json");
        File.WriteAllText(steps, JsonSerializer.Serialize(new object[]
        {
            new { name = "read_text_file", arguments = new { path = Path.Combine(Workspace, "notes.txt") } },
            new { name = "read_text_file", arguments = new { path = Path.Combine(Home, ".aws", "credentials") } },
            new { name = "write_file", arguments = new { path = "/srv/interlock-mcp-test/outside.txt", content = "x" } },
            new { name = "write_file", arguments = new { path = Path.Combine(Workspace, "new.txt"), content = "x" } },
            new { name = "create_directory", arguments = new { path = Path.Combine(Workspace, "made") } },
            new { name = "list_directory", arguments = new { path = Workspace } },
        }));
        // The upstream may serve the home directory too: only Interlock stands between the client and the credentials.
        string[] server = ["node", ServerEntry, Workspace, Home];
        Direct = McpClient.Parse(McpClient.Run(Workspace, Home, [steps, "--", .. server]));
        var proxied = McpClient.Run(Workspace, Home, [steps, "--", Path.Combine(InterlockProcess.Root, "interlock"), "mcp-proxy", "--server-id", "fs", "--data", Data, "--", .. server]);
        Proxied = McpClient.Parse(proxied);
        ProxiedStderr = proxied.Stderr;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class McpProxyEndToEndTests(McpProxyRun run) : IClassFixture<McpProxyRun>
{
    [Fact]
    public void ToolsListIsRelayedUnchanged()
    {
        Assert.True(run.Direct.GetProperty("tools").GetArrayLength() > 5);
        AssertToolsAndServerRelayedUnchanged(run.Direct, run.Proxied);
    }

    [Fact]
    public void WorkspaceReadIsForwardedByteForByte() => AssertWorkspaceReadForwardedUnchanged(run.Direct, run.Proxied, run.FileContent);

    [Fact]
    public void CredentialReadIsDeniedByInterlockOnly() => AssertCredentialReadDenied(run.Direct, run.Proxied);

    [Fact]
    public void WriteOutsideTheWorkspaceIsDenied()
    {
        var result = Call(run.Proxied, 2);
        Assert.True(IsError(result));
        var text = Text(result);
        Assert.StartsWith("Interlock denied this call: requires approval", text, StringComparison.Ordinal);
        Assert.Contains("outside the workspace", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DestructiveHintRaisesAWorkspaceWriteToApproval()
    {
        var result = Call(run.Proxied, 3);
        Assert.True(IsError(result));
        Assert.Contains("destructiveHint", Text(result), StringComparison.Ordinal);
        // The direct run created new.txt; the proxied one was not forwarded, which the server would have reported as success.
        Assert.False(IsError(Call(run.Direct, 3)));
    }

    [Fact]
    public void AllowedWritesAndListingsAreForwarded()
    {
        Assert.False(IsError(Call(run.Proxied, 4)));
        Assert.True(Directory.Exists(Path.Combine(run.Workspace, "made")));
        var listing = Text(Call(run.Proxied, 5));
        Assert.Contains("notes.txt", listing, StringComparison.Ordinal);
        Assert.Contains("[DIR] made", listing, StringComparison.Ordinal);
    }

    [Fact]
    public void DenialsAreLoggedOnStderr() => Assert.Contains("interlock mcp-proxy:", run.ProxiedStderr, StringComparison.Ordinal);

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync()
    {
        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = run.Data });
        return await store.QueryAsync(new AuditQuery { Limit = 1000 });
    }

    private static JsonElement Payload(AuditRecord r) => JsonDocument.Parse(r.Entry.Payload).RootElement.Clone();

    [Fact]
    public async Task EveryCallIsAuditedWithItsDecisionAndItsResult()
    {
        var records = await AuditAsync();
        var decisions = records.Where(r => r.Entry.Kind == AuditKind.Decision).ToList();
        var results = records.Where(r => r.Entry.Kind == AuditKind.Result).ToList();
        // Six calls, six decisions, each followed by exactly one result: nothing is left unaudited.
        Assert.Equal(6, decisions.Count);
        // The one action-id scheme of every entry point (the proxy once wrote its own mcp-<time>-<random> ids).
        Assert.All(decisions, d => Assert.Matches("^act_[0-9a-f]{24}$", d.Entry.ActionId));
        Assert.All(decisions, d => Assert.Single(results, r => r.Entry.ActionId == d.Entry.ActionId && r.Sequence > d.Sequence));
        Assert.Equal(6, results.Count);

        JsonElement ResultOf(AuditRecord d) => Payload(results.Single(r => r.Entry.ActionId == d.Entry.ActionId));

        var workspace = Payload(decisions[0]);
        Assert.Equal("mcp__fs__read_text_file", workspace.GetProperty("action").GetProperty("tool").GetString());
        Assert.Equal("allow", workspace.GetProperty("decision").GetString());
        var read = ResultOf(decisions[0]);
        Assert.Equal("succeeded", read.GetProperty("status").GetString());
        Assert.Equal(0, read.GetProperty("exit_code").GetInt32());
        Assert.Contains("'read_text_file'", read.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", read.GetProperty("output_sha256").GetString());

        var credentials = Payload(decisions[1]);
        Assert.Equal("mcp__fs__read_text_file", credentials.GetProperty("action").GetProperty("tool").GetString());
        Assert.Equal("deny", credentials.GetProperty("decision").GetString());
        var refused = ResultOf(decisions[1]);
        Assert.Equal("not_run", refused.GetProperty("status").GetString());
        Assert.False(refused.TryGetProperty("exit_code", out _));
        Assert.Contains("Interlock denied this call", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The destructiveHint floor is what the proxy did, so the decision record says require_approval, not the policy's allow.
        var write = Payload(decisions[3]);
        Assert.Equal("mcp__fs__write_file", write.GetProperty("action").GetProperty("tool").GetString());
        Assert.Equal("require_approval", write.GetProperty("decision").GetString());
        Assert.Equal("not_run", ResultOf(decisions[3]).GetProperty("status").GetString());
        Assert.Equal("succeeded", ResultOf(decisions[5]).GetProperty("status").GetString());
    }

    [Fact]
    public void TheAuditLogVerifies()
    {
        var verify = InterlockProcess.Run(["audit", "verify", "--data", run.Data], home: run.Home, cwd: run.Dir);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.StartsWith("ok", verify.Stdout, StringComparison.Ordinal);
    }
}
