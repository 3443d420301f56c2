using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Interlock.Server.Tests.Notifications;

/// <summary>One request the receiver got: its headers of interest, raw body and the status it answered.</summary>
public sealed record ReceivedWebhook(string? Event, string? Delivery, string? Timestamp, string? Signature, byte[] Body, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A real HTTP receiver on a loopback port that records every request and answers with what <c>respond</c> says
/// (given the 1-based count of requests so far). Tests wait on it instead of sleeping.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private int _arrivals;

    private WebhookReceiver(WebApplication app, Func<int, Task<int>> respond)
    {
        _app = app;
        app.MapPost("/hook", async (HttpContext c) =>
        {
            using var buffer = new MemoryStream();
            await c.Request.Body.CopyToAsync(buffer);
            var n = Interlocked.Increment(ref _arrivals);
            var status = await respond(n);
            lock (_lock)
            {
                _received.Add(new ReceivedWebhook(
                    c.Request.Headers["X-Interlock-Event"].FirstOrDefault(), c.Request.Headers["X-Interlock-Delivery"].FirstOrDefault(),
                    c.Request.Headers["X-Interlock-Timestamp"].FirstOrDefault(), c.Request.Headers["X-Interlock-Signature"].FirstOrDefault(),
                    buffer.ToArray(), status));
            }
            _arrived.Release();
            return Results.StatusCode(status);
        });
    }

    /// <summary>Requests that arrived, answered or not yet.</summary>
    public int Arrivals => Volatile.Read(ref _arrivals);

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_lock) return [.. _received];
        }
    }

    public static Task<WebhookReceiver> StartAsync(Func<int, int>? respond = null) =>
        StartAsync(n => Task.FromResult((respond ?? (_ => 200))(n)));

    /// <summary>A receiver whose answer to the n-th request may take as long as the test wants.</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, Task<int>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, respond);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    /// <summary>Waits until a recorded request matches, or fails after the timeout.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (Received.FirstOrDefault(match) is { } found) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no matching webhook; got: {string.Join(", ", Received.Select(r => $"{r.Event}/{r.Delivery}->{r.Answered}"))}");
            await _arrived.WaitAsync(left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}

/// <summary>
/// A receiver's check of <c>X-Interlock-Signature</c>, written from the documented scheme and independent of the
/// server's code: HMAC-SHA256 over <c>timestamp + "." + body</c>, constant-time compare, timestamp within 5 minutes.
/// </summary>
public static class ReceiverVerifier
{
    public static bool Verify(string secret, ReceivedWebhook hook, DateTimeOffset now)
    {
        if (hook.Timestamp is null || hook.Signature is null || !hook.Signature.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        if (!long.TryParse(hook.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > 300) return false;
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = hmac.ComputeHash([.. Encoding.UTF8.GetBytes(hook.Timestamp + "."), .. hook.Body]);
        byte[] given;
        try
        {
            given = Convert.FromHexString(hook.Signature["sha256=".Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
