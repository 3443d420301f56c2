using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Interlock.Server.Gateway;

namespace Interlock.Server.Tests;

/// <summary>
/// A real gateway on a loopback port with its own data directory, the admin token read from <c>admin.token</c>, and
/// helpers to create principals and call the API. Pass a <see cref="ManualClock"/> to control expiry.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(GatewayHost host, string dataDirectory, string adminToken)
    {
        Host = host;
        DataDirectory = dataDirectory;
        AdminToken = adminToken;
        Http = new HttpClient { BaseAddress = new Uri(host.Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public GatewayHost Host { get; }
    public string DataDirectory { get; }
    public string AdminToken { get; }
    public HttpClient Http { get; }
    public string Url => Host.Url;

    public static async Task<GatewayFixture> StartAsync(Func<GatewayOptions, GatewayOptions>? configure = null, string? dataDirectory = null)
    {
        var dir = dataDirectory ?? Path.Combine(Path.GetTempPath(), "interlock-gw-" + Guid.NewGuid().ToString("N"));
        var options = new GatewayOptions { DataDirectory = dir, Listen = "http://127.0.0.1:0", Log = TextWriter.Null, PollInterval = TimeSpan.FromMilliseconds(200) };
        if (configure is not null) options = configure(options);
        var host = await GatewayHost.StartAsync(options);
        var token = (await File.ReadAllTextAsync(Path.Combine(dir, "admin.token"))).Trim();
        return new GatewayFixture(host, dir, token);
    }

    /// <summary>Creates a principal through the API; returns its token.</summary>
    public async Task<string> CreatePrincipalAsync(string name, string role, string? ttl = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/principals", AdminToken, ttl is null ? new { name, role } : new { name, role, ttl });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return await Http.SendAsync(request);
    }

    /// <summary>Sends and returns the status and the parsed JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var response = await SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, json);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
