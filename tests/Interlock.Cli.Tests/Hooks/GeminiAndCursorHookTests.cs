using System.Text.Json.Nodes;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.Hooks;

/// <summary><c>interlock hook gemini</c> on BeforeTool payloads in Gemini CLI's documented shape.</summary>
public sealed class GeminiHookTests
{
    private static (string Decision, string Reason) Hook(string tool, JsonObject input) => GeminiDecision(Run("gemini", Gemini(tool, input)));

    [Fact]
    public void ReadOnlyShellIsAllowed() => Assert.Equal("allow", Hook("run_shell_command", new() { ["command"] = "ls -la", ["directory"] = "src" }).Decision);

    [Fact]
    public void ReadingAWorkspaceFileIsAllowed() => Assert.Equal("allow", Hook("read_file", new() { ["path"] = Workspace + "/README.md" }).Decision);

    [Fact]
    public void ReadingAwsCredentialsIsDenied()
    {
        var (d, why) = Hook("read_file", new() { ["absolute_path"] = "/home/dev/.aws/credentials" });
        Assert.Equal("deny", d);
        Assert.Contains(".aws/credentials", why, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireApprovalIsDeniedWithTheReasonBecauseGeminiHooksCannotAsk()
    {
        var (d, why) = Hook("write_file", new() { ["file_path"] = "/etc/hosts", ["content"] = "x" });
        Assert.Equal("deny", d);
        Assert.StartsWith("requires approval", why, StringComparison.Ordinal);
        Assert.Contains("/etc/hosts", why, StringComparison.Ordinal);
    }

    [Fact]
    public void EditingGeminiSettingsIsDenied()
    {
        var (d, why) = Hook("replace", new() { ["file_path"] = Workspace + "/.gemini/settings.json", ["old_string"] = "a", ["new_string"] = "b" });
        Assert.Equal("deny", d);
        Assert.Contains("self-protection", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WebFetchChecksEachUrlInThePrompt()
    {
        var (d, why) = Hook("web_fetch", new() { ["prompt"] = "Compare https://example.com/a and https://example.org/b." });
        Assert.Equal("allow", d);
        Assert.Contains("https://example.org/b", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadManyFilesWithACredentialAmongThemIsDenied()
    {
        var (d, why) = Hook("read_many_files", new() { ["paths"] = new JsonArray("src/a.cs", "~/.ssh/id_rsa") });
        Assert.Equal("deny", d);
        Assert.Contains("id_rsa", why, StringComparison.Ordinal);
    }

    // Each was allowed before: a field the host reads but Interlock did not, or a directory whose reading includes a key.
    [Theory]
    [InlineData("read_many_files", """{"paths":["README.md"],"include":["/home/dev/.ssh/*"]}""")]
    [InlineData("read_many_files", """{"include":["/home/dev/.ssh/[i]d_rsa"]}""")]
    [InlineData("read_many_files", """{"paths":["/home/dev/.ssh"]}""")]
    [InlineData("read_file", """{"path":"/tmp/x","absolute_path":"/home/dev/.ssh/id_rsa"}""")]
    [InlineData("search_file_content", """{"pattern":"BEGIN","path":"/home/dev/.ssh"}""")]
    public void CredentialReadsHiddenInOtherFieldsAreDenied(string tool, string input)
    {
        var (d, why) = Hook(tool, JsonNode.Parse(input)!.AsObject());
        Assert.Equal("deny", d);
        Assert.Contains(".ssh", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadManyFilesNamingNothingIsDenied() => Assert.Equal("deny", Hook("read_many_files", new()).Decision);

    [Fact]
    public void DangerousBypassIsDenied() => Assert.Equal("deny", Hook("run_shell_command", new() { ["command"] = "bash -c \"rm -rf ~\"" }).Decision);

    [Fact]
    public void McpToolNeedingApprovalIsDenied() => Assert.Equal("deny", Hook("mcp__db__execute_sql", new() { ["sql"] = "select 1" }).Decision);

    [Fact]
    public void WrongEventIsDenied() => Assert.Equal("deny", GeminiDecision(Run("gemini", Gemini("read_file", new() { ["path"] = "a" }, evt: "AfterTool"))).Decision);
}

/// <summary><c>interlock hook cursor</c> on beforeShellExecution, beforeMCPExecution and beforeReadFile payloads.</summary>
public sealed class CursorHookTests
{
    private static (string Permission, string Message) Hook(string evt, JsonObject fields) => CursorDecision(Run("cursor", Cursor(evt, fields)));

    [Fact]
    public void ReadOnlyShellIsAllowed() => Assert.Equal("allow", Hook("beforeShellExecution", new() { ["command"] = "git status", ["cwd"] = Workspace }).Permission);

    [Fact]
    public void PushToMainAsks() => Assert.Equal("ask", Hook("beforeShellExecution", new() { ["command"] = "git push origin main", ["cwd"] = "" }).Permission);

    [Fact]
    public void DangerousBypassIsDenied()
    {
        var (p, why) = Hook("beforeShellExecution", new() { ["command"] = "bash -c \"rm -rf ~\"", ["cwd"] = Workspace });
        Assert.Equal("deny", p);
        Assert.Contains("never", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingAWorkspaceFileIsAllowed() => Assert.Equal("allow", Hook("beforeReadFile", new() { ["file_path"] = Workspace + "/src/app.ts", ["content"] = "x" }).Permission);

    [Fact]
    public void ReadingAwsCredentialsIsDenied() => Assert.Equal("deny", Hook("beforeReadFile", new() { ["file_path"] = "/home/dev/.aws/credentials", ["content"] = "[default]" }).Permission);

    [Fact]
    public void McpToolInputAsAJsonStringAsks()
    {
        var (p, why) = Hook("beforeMCPExecution", new() { ["tool_name"] = "create_issue", ["tool_input"] = "{\"title\":\"x\"}", ["command"] = "npx mcp-github" });
        Assert.Equal("ask", p);
        Assert.Contains("create_issue", why, StringComparison.Ordinal);
    }

    [Fact]
    public void McpToolInputThatIsNotJsonIsDenied() =>
        Assert.Equal("deny", Hook("beforeMCPExecution", new() { ["tool_name"] = "q", ["tool_input"] = "{not json", ["url"] = "http://localhost:3000" }).Permission);

    [Fact]
    public void UnknownEventIsDenied() => Assert.Equal("deny", Hook("afterFileEdit", new() { ["file_path"] = Workspace + "/a" }).Permission);
}
