using System.Text.Json;

namespace Interlock.Cli.Tests.Hooks;

/// <summary><c>interlock init</c> on temporary project directories.</summary>
public sealed class InitCommandTests
{
    private static string NewProject() => Directory.CreateTempSubdirectory("interlock-init-").FullName;

    private static InterlockProcess.Result Init(params string[] args)
    {
        var r = InterlockProcess.Run(["init", .. args]);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return r;
    }

    private static readonly string Expected = Path.Combine(InterlockProcess.Root, "interlock");

    [Fact]
    public void ClaudeCodeFreshFile()
    {
        var dir = NewProject();
        Init("claude-code", "--project", dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ".claude", "settings.json")));
        var group = Assert.Single(doc.RootElement.GetProperty("hooks").GetProperty("PreToolUse").EnumerateArray());
        Assert.Equal("*", group.GetProperty("matcher").GetString());
        var handler = Assert.Single(group.GetProperty("hooks").EnumerateArray());
        Assert.Equal("command", handler.GetProperty("type").GetString());
        Assert.Equal(Expected + " hook claude-code", handler.GetProperty("command").GetString());
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, ".claude"), "*.bak"));
    }

    [Fact]
    public void ClaudeCodeKeepsOtherSettingsBacksUpAndIsIdempotent()
    {
        var dir = NewProject();
        Directory.CreateDirectory(Path.Combine(dir, ".claude"));
        var file = Path.Combine(dir, ".claude", "settings.json");
        const string original = """{"model":"opus","permissions":{"allow":["Bash(ls)"]},"hooks":{"PreToolUse":[{"matcher":"Write","hooks":[{"type":"command","command":"./fmt.sh"}]}],"Stop":[]}}""";
        File.WriteAllText(file, original);

        var first = Init("claude-code", "--project", dir);
        Assert.Contains("added hooks.PreToolUse", first.Stdout, StringComparison.Ordinal);
        var backup = Assert.Single(Directory.GetFiles(Path.Combine(dir, ".claude"), "settings.json.*.bak"));
        Assert.Equal(original, File.ReadAllText(backup));
        using (var doc = JsonDocument.Parse(File.ReadAllText(file)))
        {
            var root = doc.RootElement;
            Assert.Equal("opus", root.GetProperty("model").GetString());
            Assert.Equal("Bash(ls)", root.GetProperty("permissions").GetProperty("allow")[0].GetString());
            Assert.Equal(0, root.GetProperty("hooks").GetProperty("Stop").GetArrayLength());
            var groups = root.GetProperty("hooks").GetProperty("PreToolUse").EnumerateArray().ToList();
            Assert.Equal(2, groups.Count);
            Assert.Equal("./fmt.sh", groups[0].GetProperty("hooks")[0].GetProperty("command").GetString());
        }

        var written = File.ReadAllText(file);
        var second = Init("claude-code", "--project", dir);
        Assert.Contains("nothing changed", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(written, File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(Path.Combine(dir, ".claude"), "*.bak"));
    }

    [Fact]
    public void GeminiAddsABeforeToolHook()
    {
        var dir = NewProject();
        Directory.CreateDirectory(Path.Combine(dir, ".gemini"));
        File.WriteAllText(Path.Combine(dir, ".gemini", "settings.json"), """{"theme":"GitHub","mcpServers":{"db":{"command":"db-mcp"}}}""");
        Init("gemini", "--project", dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ".gemini", "settings.json")));
        Assert.Equal("GitHub", doc.RootElement.GetProperty("theme").GetString());
        Assert.Equal("db-mcp", doc.RootElement.GetProperty("mcpServers").GetProperty("db").GetProperty("command").GetString());
        var group = Assert.Single(doc.RootElement.GetProperty("hooks").GetProperty("BeforeTool").EnumerateArray());
        Assert.Equal(".*", group.GetProperty("matcher").GetString());
        Assert.Equal(Expected + " hook gemini", group.GetProperty("hooks")[0].GetProperty("command").GetString());
        Assert.Contains("nothing changed", Init("gemini", "--project", dir).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CursorAddsTheThreeGatedEvents()
    {
        var dir = NewProject();
        Init("cursor", "--project", dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ".cursor", "hooks.json")));
        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        foreach (var evt in new[] { "beforeShellExecution", "beforeMCPExecution", "beforeReadFile" })
            Assert.Equal(Expected + " hook cursor", Assert.Single(doc.RootElement.GetProperty("hooks").GetProperty(evt).EnumerateArray()).GetProperty("command").GetString());
        Assert.Contains("nothing changed", Init("cursor", "--project", dir).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void DryRunWritesNothing()
    {
        var dir = NewProject();
        var r = Init("claude-code", "--project", dir, "--dry-run");
        Assert.Contains("dry run", r.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, ".claude")));
    }

    [Fact]
    public void UnparsableSettingsAreLeftAlone()
    {
        var dir = NewProject();
        Directory.CreateDirectory(Path.Combine(dir, ".claude"));
        var file = Path.Combine(dir, ".claude", "settings.json");
        File.WriteAllText(file, "{ // a comment\n}");
        var r = InterlockProcess.Run(["init", "claude-code", "--project", dir]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("{ // a comment\n}", File.ReadAllText(file));
    }

    [Fact]
    public void ServerModeInstallsTheShimWithATimeoutAboveTheWaitAndSwitchesBackInPlace()
    {
        var dir = NewProject();
        var shim = Path.Combine(InterlockProcess.Root, "hooks", "interlock-hook");
        Init("claude-code", "--project", dir, "--server", "http://127.0.0.1:7070/");
        var file = Path.Combine(dir, ".claude", "settings.json");
        JsonElement Handler()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var group = Assert.Single(doc.RootElement.GetProperty("hooks").GetProperty("PreToolUse").EnumerateArray());
            return Assert.Single(group.GetProperty("hooks").EnumerateArray()).Clone();
        }
        Assert.Equal("INTERLOCK_SERVER=http://127.0.0.1:7070 " + shim + " claude-code", Handler().GetProperty("command").GetString());
        Assert.Equal(60, Handler().GetProperty("timeout").GetInt32());
        Assert.Contains("already installed", Init("claude-code", "--project", dir, "--server", "http://127.0.0.1:7070").Stdout, StringComparison.Ordinal);

        Init("claude-code", "--project", dir, "--server", "http://127.0.0.1:7070", "--no-shim");
        Assert.Equal(Expected + " hook claude-code --server http://127.0.0.1:7070", Handler().GetProperty("command").GetString());
        Init("claude-code", "--project", dir);
        Assert.Equal(Expected + " hook claude-code", Handler().GetProperty("command").GetString());
        Assert.Equal(10, Handler().GetProperty("timeout").GetInt32());
    }

    [Fact]
    public void ServerModeGeminiTimeoutIsInMilliseconds()
    {
        var dir = NewProject();
        Init("gemini", "--project", dir, "--server", "https://gate.example.com");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ".gemini", "settings.json")));
        var handler = Assert.Single(Assert.Single(doc.RootElement.GetProperty("hooks").GetProperty("BeforeTool").EnumerateArray()).GetProperty("hooks").EnumerateArray());
        Assert.Equal(60000, handler.GetProperty("timeout").GetInt32());
        Assert.EndsWith("/hooks/interlock-hook gemini", handler.GetProperty("command").GetString(), StringComparison.Ordinal);
    }
}
