using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Interlock.Bench;

/// <summary>
/// Hook latency end to end, as the agent sees it: from starting the hook process to having its answer on stdout.
/// Starts a real gateway (<c>./interlock serve</c>) on a free loopback port, then times, interleaved in rounds so machine
/// noise spreads evenly: the offline hook through the launcher (<c>./interlock hook claude-code</c>), the offline hook
/// without the launcher (<c>dotnet artifacts/cli/interlock.dll</c>), server mode through the .NET CLI
/// (<c>./interlock hook claude-code --server URL</c>) and server mode through the shim (<c>sh hooks/interlock-hook</c>).
/// Every answer is checked to be the allow the payload deserves, so a fail-closed deny cannot pass for a fast answer.
/// </summary>
public static class HookLatency
{
    private const string Payload = """{"session_id":"bench","transcript_path":"/home/dev/.claude/projects/p/bench.jsonl","cwd":"/home/dev/project","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"},"tool_use_id":"toolu_bench"}""";

    private sealed record Mode(string Name, string File, string[] Args, Dictionary<string, string> Env)
    {
        public List<double> Samples { get; } = [];
    }

    public static int Run(string[] args)
    {
        var iterations = 200;
        var warmup = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--iterations" when i + 1 < args.Length:
                    iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: hooks [--iterations N] [--warmup N]");
                    return 2;
            }
        }

        var root = Corpus.FindRepoRoot();
        var launcher = Path.Combine(root, "interlock");
        var data = Directory.CreateTempSubdirectory("interlock-hookbench-").FullName;
        var home = Directory.CreateTempSubdirectory("interlock-hookbench-home-").FullName;
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";

        // Builds the CLI if needed, so the first timed call is not a build.
        RunOnce(new Mode("build", launcher, ["--help"], []), home, checkAllow: false);

        using var server = Process.Start(new ProcessStartInfo(launcher)
        {
            ArgumentList = { "serve", "--listen", url, "--data", data },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            var token = AgentToken(url, data);
            var serverEnv = new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = token, ["INTERLOCK_SERVER"] = url };
            var dll = Path.Combine(root, "artifacts", "cli", "interlock.dll");
            var modes = new List<Mode>
            {
                new("offline: ./interlock hook claude-code", launcher, ["hook", "claude-code"], []),
                new("offline: dotnet interlock.dll hook (no launcher)", "dotnet", [dll, "hook", "claude-code"], []),
                new("server: ./interlock hook claude-code --server", launcher, ["hook", "claude-code", "--server", url], serverEnv),
                new("server: sh hooks/interlock-hook claude-code (shim)", "sh", [Path.Combine(root, "hooks", "interlock-hook"), "claude-code"], serverEnv),
            };
            foreach (var m in modes)
                for (var i = 0; i < warmup; i++) RunOnce(m, home, checkAllow: true);

            const int rounds = 10;
            var perRound = Math.Max(1, iterations / rounds);
            for (var r = 0; r < rounds; r++)
                foreach (var m in modes)
                    for (var i = 0; i < perRound; i++) m.Samples.Add(RunOnce(m, home, checkAllow: true));

            Console.WriteLine($"hook latency, process start to answer, {perRound * rounds} calls per mode ({Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription})");
            Console.WriteLine($"{"mode",-52} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8}");
            foreach (var m in modes)
            {
                var s = m.Samples.Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Name,-52} {Pct(s, 50),8:F1} {Pct(s, 90),8:F1} {Pct(s, 99),8:F1} {s[^1],8:F1}"));
            }
            return 0;
        }
        finally
        {
            try
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }
            try
            {
                Directory.Delete(data, recursive: true);
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Pct(double[] sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Milliseconds from process start to the answer having been read (stdout closed), and the process reaped.</summary>
    private static double RunOnce(Mode m, string home, bool checkAllow)
    {
        var psi = new ProcessStartInfo(m.File)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in m.Args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        foreach (var (k, v) in m.Env) psi.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(Payload);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (checkAllow && !stdout.Contains("\"permissionDecision\":\"allow\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"{m.Name} did not answer allow: {stdout} {stderr.Result}");
        return ms;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string AgentToken(string url, string data)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        var tokenFile = Path.Combine(data, "admin.token");
        for (var i = 0; ; i++)
        {
            try
            {
                if (File.Exists(tokenFile) && http.GetAsync("healthz").GetAwaiter().GetResult().IsSuccessStatusCode) break;
            }
            catch (HttpRequestException)
            {
            }
            if (i > 300) throw new TimeoutException("the gateway did not start within 30 s");
            Thread.Sleep(100);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/principals") { Content = JsonContent.Create(new { name = "claude-code", role = "agent" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(tokenFile).Trim());
        using var response = http.Send(request);
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"creating the agent: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }
}
