using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Interlock.Recording;

namespace Interlock.Cli.Exec;

/// <summary>What to run and under which limits.</summary>
internal sealed record GroupRunOptions
{
    /// <summary>Shell text for <c>/bin/bash -c</c>.</summary>
    public required string Script { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>Wall-clock limit, or null for none.</summary>
    public TimeSpan? Limit { get; init; }
    /// <summary>What set the limit (<c>max_runtime_sec</c> or <c>--timeout</c>), for the report.</summary>
    public string? LimitName { get; init; }
    /// <summary>Between SIGTERM and SIGKILL.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);
    public AsciicastWriter? Recorder { get; init; }
    public required Stream Stdout { get; init; }
    public required Stream Stderr { get; init; }
    /// <summary>Where interlock's own notes (kills, forwarded signals) go.</summary>
    public required TextWriter Diagnostics { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>The variable holding the agent token (<c>--token-env</c>); removed from the command's environment with every <c>INTERLOCK_*</c>.</summary>
    public string TokenEnv { get; init; } = ChildEnvironment.DefaultTokenEnv;
}

/// <summary>
/// Runs a command in its own process group and session: <c>setsid --wait /bin/bash -c SCRIPT</c>. The child .NET starts is
/// never a process-group leader (it inherits ours), so util-linux <c>setsid</c> calls setsid(2) and execs bash in place
/// without forking: the pid we started is the new session id and process-group id, and everything the command starts
/// stays in that group unless it deliberately leaves it. Limits and forwarded signals go to the whole group
/// (<c>kill(-pgid, …)</c>); when bash exits, anything it left running in the group is terminated too, so nothing outlives
/// the gate. Output is streamed live, hashed, and recorded.
/// </summary>
internal static class GroupRunner
{
    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    /// <summary>How long output may keep flowing after bash exits before stragglers in its group are terminated.</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromMilliseconds(300);

    public static async Task<ExecutionResult> RunAsync(GroupRunOptions o)
    {
        var setsid = SetsidPaths.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("setsid (util-linux) not found; exec needs it to run commands in their own process group");
        var psi = new ProcessStartInfo(setsid)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = o.WorkingDirectory,
        };
        psi.ArgumentList.Add("--wait");
        psi.ArgumentList.Add("/bin/bash");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(o.Script);
        ChildEnvironment.Scrub(psi, o.TokenEnv);

        var time = o.Time;
        var started = time.GetTimestamp();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashLock = new Lock();
        var diag = o.Diagnostics;
        // The group's id once the command runs; a signal that arrives before is held and forwarded then.
        int pgid = 0, pending = 0;

        void Signal(int signal)
        {
            // Before setsid has run (the first microseconds) there is no group yet: signal the process itself.
            if (!Posix.SignalGroup(pgid, signal)) Posix.SignalProcess(pgid, signal);
        }

        // Registered before the command starts: a signal between its start and the registration (under load the command
        // can print and be signalled first) would otherwise end interlock by the default action and orphan the command.
        var registrations = new List<PosixSignalRegistration>();
        foreach (var (posix, number) in new[] { (PosixSignal.SIGINT, Posix.SIGINT), (PosixSignal.SIGTERM, Posix.SIGTERM), (PosixSignal.SIGHUP, Posix.SIGHUP), (PosixSignal.SIGQUIT, Posix.SIGQUIT) })
        {
            registrations.Add(PosixSignalRegistration.Create(posix, ctx =>
            {
                ctx.Cancel = true; // interlock stays to record the result; the command decides how to end
                if (Volatile.Read(ref pgid) != 0) { Signal(number); return; }
                Volatile.Write(ref pending, number);
                // The command may have started meanwhile: whoever takes the held signal forwards it, once.
                if (Volatile.Read(ref pgid) != 0 && Interlocked.Exchange(ref pending, 0) is var held and not 0) Signal(held);
            }));
        }

        try
        {
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("the command could not be started");
            Volatile.Write(ref pgid, process.Id);
            if (Interlocked.Exchange(ref pending, 0) is var early and not 0) Signal(early);

            var pumps = Task.WhenAll(
                Pump(process.StandardOutput.BaseStream, o.Stdout, 0, o.Recorder, hash, hashLock),
                Pump(process.StandardError.BaseStream, o.Stderr, 1, o.Recorder, hash, hashLock));
            var exited = process.WaitForExitAsync();

            bool killedByLimit = false;
            if (o.Limit is { } limit)
            {
                using var cts = new CancellationTokenSource();
                var timer = Task.Delay(limit, time, cts.Token);
                if (await Task.WhenAny(exited, timer).ConfigureAwait(false) == timer)
                {
                    killedByLimit = true;
                    var seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    var note = $"interlock: time limit reached ({o.LimitName} {seconds}s): SIGTERM to process group {pgid}";
                    diag.WriteLine(note);
                    o.Recorder?.Note("\r\n" + note + "\r\n");
                    await TerminateGroup(pgid, exited, o.KillGrace, time, diag, o.Recorder).ConfigureAwait(false);
                }
                await cts.CancelAsync().ConfigureAwait(false);
            }
            await exited.ConfigureAwait(false);

            // bash has exited; background jobs it left in the group may still hold the pipes or keep running.
            await Task.WhenAny(pumps, Task.Delay(DrainAfterExit, time)).ConfigureAwait(false);
            if (Posix.GroupAlive(pgid))
            {
                diag.WriteLine($"interlock: the command exited; terminating what it left running in process group {pgid}");
                await TerminateGroup(pgid, null, o.KillGrace, time, diag, o.Recorder).ConfigureAwait(false);
            }
            // A process that left the group may hold the pipes forever: stop waiting for it.
            await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(1), time)).ConfigureAwait(false);

            o.Recorder?.Complete();
            var exitCode = process.ExitCode;
            string digest;
            lock (hashLock) digest = Convert.ToHexStringLower(hash.GetCurrentHash());
            return new ExecutionResult
            {
                Status = killedByLimit ? "killed" : exitCode > 128 ? "signaled" : "exited",
                ExitCode = exitCode,
                Duration = time.GetElapsedTime(started),
                OutputSha256 = digest,
                KilledByLimit = killedByLimit,
                Limit = killedByLimit ? o.LimitName : null,
            };
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    /// <summary>SIGTERM to the group, then SIGKILL if anything (the leader, or any member) is still there after the grace.</summary>
    private static async Task TerminateGroup(int pgid, Task? leaderExited, TimeSpan grace, TimeProvider time, TextWriter diag, AsciicastWriter? recorder)
    {
        Posix.SignalGroup(pgid, Posix.SIGTERM);
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < grace)
        {
            if ((leaderExited is null || leaderExited.IsCompleted) && !Posix.GroupAlive(pgid)) return;
            await Task.Delay(TimeSpan.FromMilliseconds(20), time).ConfigureAwait(false);
        }
        if (!Posix.GroupAlive(pgid)) return;
        var note = $"interlock: process group {pgid} still running {grace.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s after SIGTERM: SIGKILL";
        diag.WriteLine(note);
        recorder?.Note("\r\n" + note + "\r\n");
        Posix.SignalGroup(pgid, Posix.SIGKILL);
    }

    private static async Task Pump(Stream source, Stream live, int stream, AsciicastWriter? recorder, IncrementalHash hash, Lock hashLock)
    {
        var buffer = new byte[16 * 1024];
        var decoder = new UTF8Encoding(false, false).GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        int read;
        try
        {
            while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                try
                {
                    await live.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                    await live.FlushAsync().ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The caller stopped reading (a closed pipe): keep draining so the command is not blocked, keep recording.
                }
                lock (hashLock) hash.AppendData(buffer, 0, read);
                if (recorder is not null)
                {
                    int n = decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                    if (n > 0) recorder.Output(stream, new string(chars, 0, n));
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        if (recorder is not null)
        {
            int n = decoder.GetChars([], 0, 0, chars, 0, flush: true);
            if (n > 0) recorder.Output(stream, new string(chars, 0, n));
        }
    }
}
