using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.Audit;

namespace Interlock.Cli.Tests.Exec;

/// <summary><c>interlock exec</c> killing a whole process group at the decision's <c>max_runtime_sec</c>.</summary>
public sealed partial class ExecLimitTests : IDisposable
{
    private readonly ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task Runtime_limit_kills_the_whole_process_group()
    {
        var policy = _box.LimitPolicy(1);
        // The launcher may build first, so the wall clock of the whole call is not the measure: the audited duration is.
        var r = _box.Exec(["--policy", policy, "--kill-grace", "1", "-c", "sh -c 'sleep 30 & sleep 30; echo never'"], timeoutMs: 25_000);
        Assert.Equal(128 + 15, r.ExitCode); // SIGTERM
        Assert.DoesNotContain("never", r.Stdout, StringComparison.Ordinal);
        var m = KillNote().Match(r.Stderr);
        Assert.True(m.Success, r.Stderr);
        var pgid = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Empty(GroupMembers(pgid));

        var text = Asciicast.Output(Assert.Single(_box.Recordings()));
        Assert.Contains("time limit reached", text, StringComparison.Ordinal);
        var result = Assert.Single(await _box.AuditRecords(), x => x.Entry.Kind == AuditKind.Result);
        using var p = JsonDocument.Parse(result.Entry.Payload);
        Assert.True(p.RootElement.GetProperty("killed_by_limit").GetBoolean());
        Assert.Equal("killed", p.RootElement.GetProperty("status").GetString());
        Assert.Equal("max_runtime_sec", p.RootElement.GetProperty("limit").GetString());
        var ms = p.RootElement.GetProperty("duration_ms").GetInt64();
        Assert.InRange(ms, 900, 4000);
    }

    [Fact]
    public void Timeout_flag_and_leftover_background_jobs_are_ended()
    {
        // --timeout tighter than nothing; the command itself exits at once but leaves a background sleep in its group.
        var r = _box.Exec(["--timeout", "20", "--kill-grace", "1", "-c", "sleep 30 >/dev/null 2>&1 & echo started"], timeoutMs: 20_000);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("started\n", r.Stdout);
        var m = LeftoverNote().Match(r.Stderr);
        Assert.True(m.Success, r.Stderr);
        Assert.Empty(GroupMembers(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Sigterm_to_interlock_is_forwarded_to_the_group()
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _box.Work,
        };
        foreach (var a in new[] { "exec", "--data", _box.Data, "--no-record", "-c", "trap 'echo got TERM; exit 7' TERM; echo ready; sleep 20 & wait" }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _box.Root;
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.Equal("ready", process.StandardOutput.ReadLine());
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(15_000));
        Assert.Equal(7, process.ExitCode);
        Assert.Contains("got TERM", rest, StringComparison.Ordinal);
        await stderr;
    }

    /// <summary>Live processes whose process group is <paramref name="pgid"/> (from /proc/PID/stat, field 5).</summary>
    private static List<int> GroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] = state, [1] = ppid, [2] = pgrp; zombies (Z) are already dead.
            if (fields.Length > 2 && fields[0] != "Z" && int.Parse(fields[2], CultureInfo.InvariantCulture) == pgid) members.Add(pid);
        }
        return members;
    }

    [GeneratedRegex(@"time limit reached \(max_runtime_sec 1s\): SIGTERM to process group (\d+)")]
    private static partial Regex KillNote();

    [GeneratedRegex(@"terminating what it left running in process group (\d+)")]
    private static partial Regex LeftoverNote();
}
