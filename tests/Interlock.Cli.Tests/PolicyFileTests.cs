namespace Interlock.Cli.Tests;

/// <summary><c>--policy</c>: user policies load, and bad ones stop the CLI with positions, never an allow.</summary>
public sealed class PolicyFileTests
{
    [Fact]
    public void InvalidPolicyExitsOneWithFileLineAndColumn()
    {
        var dir = Directory.CreateTempSubdirectory("interlock-policy-");
        try
        {
            var path = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(path, "version: v1\nrules:\n  - id: r1\n    match:\n      programs: [git]\n    decison: allow\n");
            var r = InterlockProcess.Run(["check", "--policy", path, "--cwd", "/home/dev/project", "--", "ls"]);
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("", r.Stdout);
            Assert.Contains($"{path}:6:5:", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("decison", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MissingPolicyFileExitsOne()
    {
        var r = InterlockProcess.Run(["check", "--policy", "/nonexistent/policy.yaml", "--", "ls"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot read policy", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UserPolicyDecidesAndTheNeverTierStillHolds()
    {
        var dir = Directory.CreateTempSubdirectory("interlock-policy-");
        try
        {
            var path = Path.Combine(dir.FullName, "lenient.yaml");
            File.WriteAllText(path, "version: v1\ndefault: require_approval\nrules:\n  - id: allow-everything-git\n    match:\n      programs: [git]\n    decision: allow\n");
            Assert.Equal(0, InterlockProcess.Run(["check", "--policy", path, "--cwd", "/home/dev/project", "--", "git push origin main"]).ExitCode);
            // No policy can allow the never tier to an agent.
            var force = InterlockProcess.Run(["check", "--policy", path, "--cwd", "/home/dev/project", "--", "git push --force origin main"]);
            Assert.Equal(2, force.ExitCode);
            Assert.Contains("builtin:never-tier", force.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
