namespace Interlock.Cli.Tests.Exec;

/// <summary>Interlock's own variables (the agent token above all) never reach a command run by <c>interlock exec</c>.</summary>
public sealed class ExecEnvironmentTests : IDisposable
{
    private readonly ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public void The_token_and_every_INTERLOCK_variable_are_removed_and_the_rest_is_kept()
    {
        var r = _box.Exec(["--", "env"], new Dictionary<string, string>
        {
            ["INTERLOCK_TOKEN"] = "tok-default-7f3a",
            ["INTERLOCK_ANYTHING"] = "internal-9c1e",
            ["KEEP_ME"] = "kept-4d2b",
        });
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("tok-default-7f3a", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-9c1e", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("INTERLOCK_", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("KEEP_ME=kept-4d2b\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_variable_named_by_token_env_is_removed()
    {
        var r = _box.Exec(["--token-env", "MY_AGENT_TOKEN", "--", "env"], new Dictionary<string, string> { ["MY_AGENT_TOKEN"] = "tok-custom-52e1" });
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("tok-custom-52e1", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MY_AGENT_TOKEN", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("HOME=", r.Stdout, StringComparison.Ordinal);
    }
}
