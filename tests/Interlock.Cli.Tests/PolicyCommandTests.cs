namespace Interlock.Cli.Tests;

/// <summary><c>interlock policy lint|test</c>: output lines, summary lines and exit codes.</summary>
public sealed class PolicyCommandTests
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] ShippedTestFiles() =>
        [.. Directory.GetFiles(Path.Combine(InterlockProcess.Root, "policies", "tests"), "*.yaml").Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(InterlockProcess.Root, f))];

    [Fact]
    public void TheShippedTestFilesPass()
    {
        var r = InterlockProcess.Run(["policy", "test", .. ShippedTestFiles()]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var lines = Lines(r.Stdout);
        Assert.Matches(@"^\d+ passed, 0 failed$", lines[^1]);
        Assert.All(lines[..^1], l => Assert.StartsWith("PASS ", l, StringComparison.Ordinal));
        Assert.True(lines.Length > 60);
    }

    [Fact]
    public void LintOfEveryShippedYamlFileIsClean()
    {
        // What `policy lint policies/**/*.yaml` expands to with globstar: policies and test files alike.
        var files = Directory.GetFiles(Path.Combine(InterlockProcess.Root, "policies"), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(InterlockProcess.Root, f)).ToArray();
        var r = InterlockProcess.Run(["policy", "lint", "--strict", .. files]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal("0 error(s), 0 warning(s)", Lines(r.Stdout)[^1]);
    }

    private static InterlockProcess.Result WithFiles(Dictionary<string, string> files, Func<string, string[]> args)
    {
        var dir = Directory.CreateTempSubdirectory("interlock-policy-cmd-");
        try
        {
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir.FullName, name), text);
            return InterlockProcess.Run(args(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private const string Shadowing = "version: v1\ndefault: require_approval\nrules:\n  - id: no-git\n    match:\n      programs: [git]\n    decision: deny\n  - id: git-push\n    match:\n      programs: [git]\n      operations: [update]\n    decision: allow\n";

    [Fact]
    public void LintWarningsExitZeroUnlessStrict()
    {
        var files = new Dictionary<string, string> { ["p.yaml"] = Shadowing };
        var r = WithFiles(files, d => ["policy", "lint", Path.Combine(d, "p.yaml")]);
        Assert.Equal(0, r.ExitCode);
        var lines = Lines(r.Stdout);
        Assert.Matches(@"p\.yaml:8:5: warning IL001: rule 'git-push' is shadowed by rule 'no-git'", lines[0]);
        Assert.Equal("0 error(s), 1 warning(s)", lines[^1]);
        Assert.Equal(1, WithFiles(files, d => ["policy", "lint", "--strict", Path.Combine(d, "p.yaml")]).ExitCode);
    }

    [Fact]
    public void LintErrorsAndLoadErrorsExitOne()
    {
        var files = new Dictionary<string, string>
        {
            ["dead.yaml"] = "version: v1\nrules:\n  - id: dead\n    match:\n      tiers: [read_only]\n      operations: [delete]\n    decision: deny\n",
            ["broken.yaml"] = "version: v1\nrules:\n  - id: r\n    decison: deny\n",
        };
        var r = WithFiles(files, d => ["policy", "lint", Path.Combine(d, "dead.yaml"), Path.Combine(d, "broken.yaml")]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("dead.yaml:3:5: error IL002: rule 'dead' can never match", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"broken\.yaml:4:5: error IL000: unknown key 'decison'", r.Stdout);
        Assert.EndsWith("error(s), 0 warning(s)", Lines(r.Stdout)[^1], StringComparison.Ordinal);
        Assert.StartsWith("3 error(s)", Lines(r.Stdout)[^1], StringComparison.Ordinal); // unknown key + missing decision + IL002
    }

    [Fact]
    public void AFailingCaseExitsOneAndSaysWhy()
    {
        var files = new Dictionary<string, string>
        {
            ["p.yaml"] = "version: v1\ndefault: require_approval\nrules:\n  - id: reads\n    match:\n      tiers: [read_only]\n    decision: allow\n",
            ["p.test.yaml"] = "policy: p.yaml\ncases:\n  - name: ls is allowed\n    action: { command: ls }\n    expect: allow\n  - name: touch is allowed\n    action: { command: touch x }\n    expect: allow\n",
        };
        var r = WithFiles(files, d => ["policy", "test", Path.Combine(d, "p.test.yaml")]);
        Assert.Equal(1, r.ExitCode);
        var lines = Lines(r.Stdout);
        Assert.Equal("PASS ls is allowed", lines[0]);
        Assert.StartsWith("FAIL touch is allowed: expected allow, got require_approval", lines[1], StringComparison.Ordinal);
        Assert.Equal("1 passed, 1 failed", lines[^1]);
    }

    [Fact]
    public void PolicyOptionOverridesTheFilesPolicy()
    {
        var files = new Dictionary<string, string>
        {
            ["strict.yaml"] = "version: v1\ndefault: deny\nrules:\n  - id: nothing\n    match:\n      programs: [nothing]\n    decision: deny\n",
            ["p.test.yaml"] = "policy: missing.yaml\ncases:\n  - name: ls is denied\n    action: { command: ls }\n    expect: deny\n",
        };
        var r = WithFiles(files, d => ["policy", "test", "--policy", Path.Combine(d, "strict.yaml"), Path.Combine(d, "p.test.yaml")]);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal("1 passed, 0 failed", Lines(r.Stdout)[^1]);
        var without = WithFiles(files, d => ["policy", "test", Path.Combine(d, "p.test.yaml")]);
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("cannot read the policy file", without.Stdout, StringComparison.Ordinal);
        Assert.Equal("0 passed, 0 failed", Lines(without.Stdout)[^1]);
    }

    [Fact]
    public void ABrokenTestFileExitsOneWithPositions()
    {
        var files = new Dictionary<string, string> { ["bad.test.yaml"] = "policy: x.yaml\ncases:\n  - name: a\n    action: { command: ls }\n    expect: perhaps\n" };
        var r = WithFiles(files, d => ["policy", "test", Path.Combine(d, "bad.test.yaml")]);
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"bad\.test\.yaml:5:13: error: unknown decision 'perhaps'", r.Stdout);
        Assert.Equal("0 passed, 0 failed", Lines(r.Stdout)[^1]);
        var lint = WithFiles(files, d => ["policy", "lint", Path.Combine(d, "bad.test.yaml")]);
        Assert.Equal(1, lint.ExitCode);
        Assert.Matches(@"bad\.test\.yaml:5:13: error IL000: unknown decision 'perhaps'", lint.Stdout);
    }

    [Fact]
    public void AMissingTestFileExitsOne()
    {
        var r = InterlockProcess.Run(["policy", "test", "/nonexistent/x.test.yaml"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("0 passed, 0 failed", Lines(r.Stdout)[^1]);
    }
}
