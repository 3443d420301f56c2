namespace Interlock.Cli.Tests;

/// <summary>
/// Agent-supplied text reaches a person's terminal escaped: an ESC sequence and a carriage return in a command must not
/// repaint the line (a production scale-to-zero shown as <c>kubectl get pods</c>), and a warning line says so.
/// </summary>
public sealed class DisplaySafetyTests : IDisposable
{
    /// <summary>ESC [2K erases the line, CR returns to column 0: a terminal shows only "kubectl get pods".</summary>
    public const string Disguised = "kubectl scale --replicas=0 deploy/web -n prod\u001b[2K\rkubectl get pods";

    private readonly Exec.ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    /// <summary>No byte that a terminal acts on or a bidi control that reorders what is shown.</summary>
    internal static void AssertNoRawControls(string output)
    {
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\u202e', output);
        Assert.DoesNotContain('\u2066', output);
    }

    [Fact]
    public void Check_prints_the_command_escaped_with_a_warning()
    {
        var r = InterlockProcess.Run(["check", "--explain", "--cwd", "/home/dev/project", "--", Disguised + @"; printf 'a\tb\n' | grep -E 'a\\b'"]);
        Assert.Equal(3, r.ExitCode);
        AssertNoRawControls(r.Stdout);
        Assert.Contains(@"-n prod\x1b[2K\rkubectl get pods", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("hidden or control characters", r.Stdout, StringComparison.Ordinal);
        // Text without hidden characters is shown as it is: a literal backslash is not doubled.
        Assert.Contains(@"from: printf 'a\tb\n'", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_quotes_a_denied_command_escaped_with_a_warning()
    {
        var r = _box.Exec(["-c", "rm -rf /etc/nginx\u001b[2K\rconf\u202e"]);
        Assert.Equal(126, r.ExitCode);
        AssertNoRawControls(r.Stderr);
        Assert.Contains(@"/etc/nginx\x1b[2K\rconf<U+202E> is a system directory", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("hidden or control characters", r.Stderr, StringComparison.Ordinal);
    }
}
