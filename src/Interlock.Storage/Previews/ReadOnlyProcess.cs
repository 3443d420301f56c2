using System.Diagnostics;
using System.Text;

namespace Interlock.Storage.Previews;

/// <summary>What a look-only child process printed: exit code, output (capped), and whether the cap cut it.</summary>
public sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr, bool Truncated);

/// <summary>
/// Runs a program that only looks (<c>git log</c>, <c>terraform show -json</c>) for a previewer: arguments as a list
/// (never a shell), standard input closed, output capped, and the whole process tree killed when the token is
/// cancelled, so a previewer's time budget bounds it.
/// </summary>
public static class ReadOnlyProcess
{
    /// <summary>Most output bytes kept per stream by default.</summary>
    public const int DefaultMaxOutput = 4 * 1024 * 1024;

    public static async Task<ProcessOutput> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null, int maxOutput = DefaultMaxOutput)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = workingDirectory ?? "",
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment)
            {
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
            }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var stdout = ReadCappedAsync(process.StandardOutput, maxOutput);
        var stderr = ReadCappedAsync(process.StandardError, 64 * 1024);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        var (outText, outCut) = await stdout.ConfigureAwait(false);
        var (errText, _) = await stderr.ConfigureAwait(false);
        return new ProcessOutput(process.ExitCode, outText, errText, outCut);
    }

    private static async Task<(string Text, bool Truncated)> ReadCappedAsync(StreamReader reader, int max)
    {
        var sb = new StringBuilder();
        var buffer = new char[8192];
        bool truncated = false;
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            // Keep draining past the cap so the child never blocks on a full pipe.
            if (sb.Length + n <= max) sb.Append(buffer, 0, n);
            else
            {
                if (sb.Length < max) sb.Append(buffer, 0, max - sb.Length);
                truncated = true;
            }
        }
        return (sb.ToString(), truncated);
    }
}
