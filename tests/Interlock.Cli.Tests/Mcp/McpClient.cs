using System.Diagnostics;
using System.Text.Json;

namespace Interlock.Cli.Tests.Mcp;

/// <summary>The real sdk client (tests/mcp/client.mjs) run as a process, and reading what it printed.</summary>
internal static class McpClient
{
    /// <summary>Runs client.mjs with <paramref name="args"/>; its stdout (one JSON object), stderr and exit code.</summary>
    public static InterlockProcess.Result Run(string cwd, string home, string[] args)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd };
        psi.ArgumentList.Add(Path.Combine(McpProxyRun.McpDir, "client.mjs"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the MCP client did not finish: " + stderr.Result);
        }
        return new InterlockProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The client's report, or an exception saying why it failed.</summary>
    public static JsonElement Parse(InterlockProcess.Result run)
    {
        if (run.ExitCode != 0 || run.Stdout.Length == 0) throw new InvalidOperationException($"the MCP client failed ({run.ExitCode}): {run.Stderr}");
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement.Clone();
        if (root.TryGetProperty("fatal", out var fatal)) throw new InvalidOperationException("the MCP client failed: " + fatal.GetString() + "\n" + run.Stderr);
        return root;
    }

    /// <summary>The result of the <paramref name="index"/>th tool call in a report.</summary>
    public static JsonElement Call(JsonElement report, int index) => report.GetProperty("calls")[index].GetProperty("result");

    public static string Text(JsonElement result) => result.GetProperty("content")[0].GetProperty("text").GetString()!;

    public static bool IsError(JsonElement result) => result.TryGetProperty("isError", out var e) && e.GetBoolean();

    // What every upstream transport must show, the same client run directly and through the proxy (stdio and HTTP
    // fixtures both run: 0 reads a workspace file, 1 reads ~/.aws/credentials).

    /// <summary>The tool list and server info reach the client unchanged.</summary>
    public static void AssertToolsAndServerRelayedUnchanged(JsonElement direct, JsonElement proxied)
    {
        Assert.Equal(direct.GetProperty("tools").GetRawText(), proxied.GetProperty("tools").GetRawText());
        Assert.Equal(direct.GetProperty("server").GetRawText(), proxied.GetProperty("server").GetRawText());
    }

    /// <summary>Call 0, a workspace read, is forwarded and answered exactly as without the proxy.</summary>
    public static void AssertWorkspaceReadForwardedUnchanged(JsonElement direct, JsonElement proxied, string fileContent)
    {
        var result = Call(proxied, 0);
        Assert.False(IsError(result));
        Assert.Equal(fileContent, Text(result));
        Assert.Equal(Call(direct, 0).GetRawText(), result.GetRawText());
    }

    /// <summary>Call 1, a credential read the server itself would answer, is denied by Interlock without the secret.</summary>
    public static void AssertCredentialReadDenied(JsonElement direct, JsonElement proxied)
    {
        // Without the proxy the server hands the credentials over: it is Interlock that stops them.
        Assert.Contains("aws_secret_access_key", Text(Call(direct, 1)), StringComparison.Ordinal);
        var result = Call(proxied, 1);
        Assert.True(IsError(result));
        var text = Text(result);
        Assert.StartsWith("Interlock denied this call: ", text, StringComparison.Ordinal);
        Assert.Contains("credentials", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aws_secret_access_key", text, StringComparison.Ordinal);
    }
}
