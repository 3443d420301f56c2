using System.Diagnostics;
using System.Text.Json;

namespace Interlock.Server.Tests.Web;

/// <summary>
/// Runs <c>tests/web/approve.mjs</c> (playwright-core driving the system Chromium) and hands its JSON lines to the test
/// as they arrive, so the test can act (start the agent's call) when the script says it is ready.
/// </summary>
public static class BrowserScript
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The repository root: the directory holding <c>Interlock.slnx</c>, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string WebDir => Path.Combine(Root, "tests", "web");

    /// <summary>Screenshots stay after the run (artifacts/ is ignored by git) so a person can look at them.</summary>
    public static string ScreenshotDir
    {
        get
        {
            var dir = Path.Combine(Root, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"Interlock.slnx not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Fails (never skips) with how to install what is missing.</summary>
    public static void RequirePrerequisites()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"the browser tests need Chromium at {Chromium}: run `apt-get install -y chromium` as root (.ci/run does this); never `npx playwright install`");
        if (!File.Exists(Path.Combine(WebDir, "node_modules", "playwright-core", "package.json")))
            throw new InvalidOperationException($"the browser test packages are not installed: run `npm ci --prefix {WebDir}` (./test and .ci/run do this)");
    }

    /// <summary>Runs the script; <paramref name="onLine"/> sees every JSON line; returns the last one (the result).</summary>
    public static async Task<JsonElement> RunAsync(string baseUrl, string token, string mode, string reason, Func<JsonElement, Task>? onLine = null)
    {
        RequirePrerequisites();
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = WebDir };
        foreach (var a in new[] { Path.Combine(WebDir, "approve.mjs"), baseUrl, token, ScreenshotDir, mode, reason }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        JsonElement last = default;
        try
        {
            while (await p.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Length == 0 || line[0] != '{') continue;
                last = JsonDocument.Parse(line).RootElement.Clone();
                if (last.TryGetProperty("fatal", out var fatal)) throw new InvalidOperationException("the browser script failed: " + fatal.GetString() + "\n" + await stderr);
                if (onLine is not null) await onLine(last);
            }
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the browser script did not finish in 90 s: " + await stderr);
        }
        Assert.True(p.ExitCode == 0, $"the browser script exited {p.ExitCode}: {await stderr}");
        Assert.NotEqual(JsonValueKind.Undefined, last.ValueKind);
        return last;
    }

    /// <summary>Asserts the screenshot exists and is more than a blank image.</summary>
    public static void AssertScreenshot(string name)
    {
        var file = Path.Combine(ScreenshotDir, name + ".png");
        Assert.True(File.Exists(file), $"no screenshot {file}");
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 10_000, $"{file} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }
}
