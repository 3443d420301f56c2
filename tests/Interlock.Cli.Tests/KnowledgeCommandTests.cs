namespace Interlock.Cli.Tests;

/// <summary><c>interlock knowledge</c> and a policy's <c>knowledge:</c> directory, end to end through the CLI.</summary>
public sealed class KnowledgeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("il-knowledge-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private const string Jetsam = """
        version: 1
        programs:
          - names: [jetsam]
            value_options: [-s, --server, --context]
            rows:
              - path: "stream ls|stream info|kv ls|kv get|server check"
                class: read
                reason: reads streams and buckets
                targets: false
              - path: "stream rm|stream purge|kv rm|kv purge"
                class: delete
                reason: deletes messages
                shared: true
        tests:
          - command: jetsam stream ls
            decision: allow
          - command: jetsam stream purge ORDERS -f
            decision: require_approval
            class: delete
        """;

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void LintPassesAGoodPackAndNamesTheLineOfABadOne()
    {
        Write("packs/jetsam.yaml", Jetsam);
        var ok = InterlockProcess.Run(["knowledge", "lint", Path.Combine(_dir, "packs")]);
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);
        Assert.Contains("1 program(s), 2 test(s): ok", ok.Stdout, StringComparison.Ordinal);

        var bad = Write("bad/jetsam.yaml", Jetsam.Replace("class: delete", "class: obliterate", StringComparison.Ordinal));
        var failed = InterlockProcess.Run(["knowledge", "lint", bad]);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"{bad}:11:16: unknown class 'obliterate'", failed.Stdout, StringComparison.Ordinal);

        var wrong = Write("wrong/jetsam.yaml", Jetsam.Replace("decision: require_approval", "decision: allow", StringComparison.Ordinal));
        var failing = InterlockProcess.Run(["knowledge", "lint", wrong]);
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("'jetsam stream purge ORDERS -f' got require_approval, expected allow", failing.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowPrintsAPackThatLintAccepts()
    {
        var shown = InterlockProcess.Run(["knowledge", "show", "git"]);
        Assert.Equal(0, shown.ExitCode);
        Assert.StartsWith("version: 1\nprograms:\n  - names: [\"git\"]", shown.Stdout, StringComparison.Ordinal);
        var pack = Write("git/git.yaml", shown.Stdout);
        var lint = InterlockProcess.Run(["knowledge", "lint", pack]);
        Assert.True(lint.ExitCode == 0, lint.Stdout + lint.Stderr);
        var unknown = InterlockProcess.Run(["knowledge", "show", "frobnicate"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no knowledge of 'frobnicate'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void APolicysKnowledgeDirectoryDecidesAndIsProtected()
    {
        Write("policy/packs/jetsam.yaml", Jetsam);
        var policy = Write("policy/policy.yaml", $"version: v1\ninclude: [{Path.Combine(InterlockProcess.Root, "policies/default.yaml")}]\nknowledge: [packs]\n");
        var before = InterlockProcess.Run(["check", "--no-audit", "--cwd", "/home/dev/project", "--", "jetsam stream ls"]);
        Assert.Equal(3, before.ExitCode);
        var after = InterlockProcess.Run(["check", "--no-audit", "--policy", policy, "--cwd", "/home/dev/project", "--", "jetsam stream ls"]);
        Assert.True(after.ExitCode == 0, after.Stdout + after.Stderr);
        Assert.Contains("jetsam", InterlockProcess.Run(["knowledge", "list", "--policy", policy]).Stdout, StringComparison.Ordinal);

        // The agent may not teach the gate: adding or changing a pack is a change of the policy.
        var tamper = InterlockProcess.Run(["check", "--no-audit", "--json", "--policy", policy, "--cwd", "/home/dev/project", "--",
            $"echo 'version: 1' > {Path.Combine(_dir, "policy/packs/rm.yaml")}"]);
        Assert.Equal(2, tamper.ExitCode);
        Assert.Contains("builtin:self-protection", tamper.Stdout, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_dir, "policy/packs/broken.yaml"), "version: 1\nprograms: [oops\n");
        var broken = InterlockProcess.Run(["check", "--no-audit", "--policy", policy, "--", "ls"]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("broken.yaml:", broken.Stderr, StringComparison.Ordinal);
    }
}
