using System.Text.Json.Nodes;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.Hooks;

/// <summary><c>interlock hook claude-code</c> on PreToolUse payloads in Claude Code's documented shape.</summary>
public sealed class ClaudeCodeHookTests
{
    private static (string Decision, string Reason) Hook(string tool, JsonObject input) => ClaudeDecision(Run("claude-code", Claude(tool, input)));

    [Fact]
    public void ReadOnlyShellIsAllowed()
    {
        var (d, why) = Hook("Bash", new() { ["command"] = "git status && ls -la", ["description"] = "look around" });
        Assert.Equal("allow", d);
        Assert.Contains("read-only", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingAWorkspaceFileIsAllowed()
    {
        var (d, _) = Hook("Read", new() { ["file_path"] = Workspace + "/src/main.cs" });
        Assert.Equal("allow", d);
    }

    [Fact]
    public void ReadingAwsCredentialsIsDenied()
    {
        var (d, why) = Hook("Read", new() { ["file_path"] = "/home/dev/.aws/credentials" });
        Assert.Equal("deny", d);
        Assert.Contains(".aws/credentials", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WritingOutsideTheWorkspaceAsks()
    {
        var (d, why) = Hook("Write", new() { ["file_path"] = "/etc/hosts", ["content"] = "127.0.0.1 x" });
        Assert.Equal("ask", d);
        Assert.Contains("require_approval", why, StringComparison.Ordinal);
        Assert.Contains("/etc/hosts", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WritingInsideTheWorkspaceIsAllowed()
    {
        var (d, _) = Hook("Write", new() { ["file_path"] = "notes/todo.md", ["content"] = "x" });
        Assert.Equal("allow", d);
    }

    [Theory]
    [InlineData("Edit", "/home/dev/project/.claude/settings.json")]
    [InlineData("Write", "/home/dev/project/.claude/settings.local.json")]
    [InlineData("MultiEdit", "/home/dev/.claude/settings.json")]
    [InlineData("Write", "/home/dev/.interlock/policy.yaml")]
    public void EditingTheAgentsHookSettingsOrInterlocksFilesIsDenied(string tool, string path)
    {
        var (d, why) = Hook(tool, new() { ["file_path"] = path, ["old_string"] = "a", ["new_string"] = "b", ["content"] = "{}" });
        Assert.Equal("deny", d);
        Assert.Contains("self-protection", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ShellRedirectIntoHookSettingsIsDenied()
    {
        var (d, why) = Hook("Bash", new() { ["command"] = "echo '{}' > .claude/settings.json" });
        Assert.Equal("deny", d);
        Assert.Contains("self-protection", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WebFetchIsAllowedAsARead()
    {
        var (d, _) = Hook("WebFetch", new() { ["url"] = "https://learn.microsoft.com/dotnet", ["prompt"] = "summarize" });
        Assert.Equal("allow", d);
    }

    [Fact]
    public void UnknownMcpToolAsks()
    {
        var (d, why) = Hook("mcp__github__create_issue", new() { ["owner"] = "o", ["repo"] = "r", ["title"] = "t" });
        Assert.Equal("ask", d);
        Assert.Contains("mcp__github__create_issue", why, StringComparison.Ordinal);
    }

    [Fact]
    public void BashDashCRmRfHomeIsDenied()
    {
        var (d, why) = Hook("Bash", new() { ["command"] = "bash -c \"rm -rf ~\"" });
        Assert.Equal("deny", d);
        Assert.Contains("never", why, StringComparison.Ordinal);
    }

    [Fact]
    public void PushToMainAsks()
    {
        var (d, why) = Hook("Bash", new() { ["command"] = "git push origin main" });
        Assert.Equal("ask", d);
        Assert.Contains("require_approval", why, StringComparison.Ordinal);
    }

    [Fact]
    public void HostInternalToolGetsNoOpinion()
    {
        var reply = Run("claude-code", Claude("TodoWrite", new() { ["todos"] = new JsonArray() }));
        Assert.Empty(reply.EnumerateObject());
    }

    [Fact]
    public void AllowWithConstraintsAllowsAndNamesTheConstraints()
    {
        var dir = Directory.CreateTempSubdirectory("interlock-hook-");
        var policy = Path.Combine(dir.FullName, "p.yaml");
        File.WriteAllText(policy, """
            version: v1
            default: require_approval
            rules:
              - id: builds-limited
                match:
                  programs: [make]
                decision: allow_with_constraints
                reason: "builds are rate limited"
                constraints:
                  rate_limit: 20/hour
                  max_runtime_sec: 600
            """);
        var reply = Run("claude-code", Claude("Bash", new() { ["command"] = "make build" }), "--policy", policy);
        var (d, why) = ClaudeDecision(reply);
        Assert.Equal("allow", d);
        Assert.Contains("allow_with_constraints", why, StringComparison.Ordinal);
        Assert.Contains("rate_limit 20/hour", why, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentOptionAppliesThatAgentsScope()
    {
        var dir = Directory.CreateTempSubdirectory("interlock-hook-");
        var policy = Path.Combine(dir.FullName, "p.yaml");
        File.WriteAllText(policy, """
            version: v1
            default: allow
            agents:
              - id: reader
                tools: [Read]
            rules:
              - id: anything
                match:
                  tiers: [read_only, write_autonomous]
                decision: allow
                reason: "test"

            """);
        var (d, why) = ClaudeDecision(Run("claude-code", Claude("Write", new() { ["file_path"] = "a.txt", ["content"] = "x" }), "--policy", policy, "--agent", "reader"));
        Assert.Equal("deny", d);
        Assert.Contains("reader", why, StringComparison.Ordinal);
    }
}
