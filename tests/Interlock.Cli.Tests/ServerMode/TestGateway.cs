using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Interlock.Server.Gateway;

namespace Interlock.Cli.Tests.ServerMode;

/// <summary>A real gateway on a loopback port with its own data directory, for the CLI's <c>--server</c> modes.</summary>
public sealed class TestGateway : IAsyncLifetime
{
    private GatewayHost? _host;
    private string _admin = "";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "interlock-cligw-" + Guid.NewGuid().ToString("N"));
    public string Url => _host!.Url;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayHost.StartAsync(new GatewayOptions
        {
            DataDirectory = DataDirectory, Listen = "http://127.0.0.1:0", Log = TextWriter.Null, PollInterval = TimeSpan.FromMilliseconds(200),
        });
        _admin = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "admin.token"))).Trim();
        Http = new HttpClient { BaseAddress = new Uri(_host.Url + "/"), Timeout = TimeSpan.FromSeconds(90) };
    }

    /// <summary>Creates a principal; returns its token.</summary>
    public async Task<string> PrincipalAsync(string name, string role)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "v1/principals", _admin, new { name, role });
        Assert.True(status == 201 || status == 200, $"creating {name}: {status} {body}");
        var token = body.GetProperty("token").GetString()!;
        _names[token] = name;
        return token;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public async Task<(int Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The id of the first pending approval, polling until one appears.</summary>
    /// <summary>
    /// The id of the pending approval requested by the agent holding <paramref name="agentToken"/>: the gateway is shared
    /// by a class's tests, and another test's request may still be pending (taking the first one raced them).
    /// </summary>
    public async Task<string> PendingApprovalAsync(string reviewer, string agentToken)
    {
        var agent = _names[agentToken];
        for (var i = 0; i < 600; i++)
        {
            var (_, list) = await CallAsync(HttpMethod.Get, "v1/approvals?status=pending&limit=200", reviewer);
            var first = list.GetProperty("approvals").EnumerateArray().FirstOrDefault(a => a.GetProperty("agent").GetString() == agent);
            if (first.ValueKind == JsonValueKind.Object) return first.GetProperty("id").GetString()!;
            await Task.Delay(100);
        }
        throw new TimeoutException("no pending approval appeared");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Runs any program with stdin, environment and a time limit (the shim under <c>sh</c>).</summary>
internal static class ProcessRunner
{
    public static InterlockProcess.Result Run(string file, IEnumerable<string> args, string? stdin, IReadOnlyDictionary<string, string?> env, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = InterlockProcess.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new InterlockProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A loopback HTTP server that answers every request with one fixed raw response: a broken gateway.</summary>
internal sealed class BrokenServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public BrokenServer(string status, string body)
    {
        _listener.Start();
        var response = Encoding.UTF8.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                // Read the request head and body (whatever arrives within a moment), then answer.
                var buffer = new byte[64 * 1024];
                await Task.Delay(50);
                while (client.Available > 0) _ = await stream.ReadAsync(buffer);
                await stream.WriteAsync(response);
                await stream.FlushAsync();
            }
        });
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}

/// <summary>Accepts connections and reads requests but never answers: a hung gateway.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];

    public SilentServer()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held) _held.Add(client);
            }
        });
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var c in _held) c.Dispose();
        _stop.Dispose();
    }
}
