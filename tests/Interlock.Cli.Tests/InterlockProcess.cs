using System.Diagnostics;

namespace Interlock.Cli.Tests;

/// <summary>Runs the repository's <c>./interlock</c> launcher as a user would, with a time limit.</summary>
internal static class InterlockProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Interlock.slnx not found");
    }

    public static Result Run(IEnumerable<string> args, string? stdin = null, string home = "/home/dev", string? cwd = null, int timeoutMs = 120_000, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(Path.Combine(Root, "interlock"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = cwd ?? Root,
        };
        foreach (var a in WithTestDeadline(args)) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null) process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process stopped reading (an oversized payload it refused): what it answered is what the test checks.
        }
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"interlock {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs with stdin left open (never closed), to test what a command does when its input never ends.</summary>
    public static Result RunWithOpenStdin(IEnumerable<string> args, string home = "/home/dev", int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(Path.Combine(Root, "interlock"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write("{\"hook_event_name\": ");
        process.StandardInput.Flush();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"interlock {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// An offline hook fails closed when it has no decision 2 s after it starts: the product's deadline, which a loaded
    /// test machine can miss although nothing is wrong. Tests that are not about the deadline give it room; the
    /// deadline's own tests set --deadline-ms themselves (and use RunWithOpenStdin).
    /// </summary>
    private static IEnumerable<string> WithTestDeadline(IEnumerable<string> args)
    {
        var list = args.ToList();
        if (list.Count > 0 && list[0] == "hook" && !list.Contains("--deadline-ms") && !list.Contains("--server")) list.AddRange(["--deadline-ms", "60000"]);
        return list;
    }

    public static Result Check(params string[] command) => Run(["check", "--cwd", "/home/dev/project", "--", .. command]);
}
