using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Interlock.Approvals;
using Interlock.Identity;
using Interlock.Server.Approvals;

namespace Interlock.Server.Notifications;

/// <summary>How hard the webhook sender tries: attempts, backoff, per-attempt timeout, queue size, drain at shutdown.</summary>
public sealed record WebhookSettings
{
    /// <summary>Attempts per delivery, the first included.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Backoff before the second attempt; doubles each time (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>One attempt (connect, send, status line) longer than this counts as a network failure and is retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Deliveries waiting to be sent; beyond this new events are dropped (logged, counted), never blocking a decision.</summary>
    public int QueueCapacity { get; init; } = 4096;
    /// <summary>How long disposing waits for queued deliveries before abandoning them.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Independent delivery lanes; an approval's events always take the same lane, so their order holds.</summary>
    public int Lanes { get; init; } = 4;
}

/// <summary>Webhook delivery counters, read by <c>/metrics</c> and tests.</summary>
public sealed class WebhookCounters
{
    private long _delivered;
    private long _failed;
    private long _dropped;
    private long _retries;

    /// <summary>Deliveries the receiver accepted (2xx).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);
    /// <summary>Deliveries given up on: a 4xx other than 408/429, a redirect, or every attempt failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Events never attempted to completion: the queue was full, or shutdown came first.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Attempts after the first.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    internal void AddDelivered() => Interlocked.Increment(ref _delivered);
    internal void AddFailed() => Interlocked.Increment(ref _failed);
    internal void AddDropped() => Interlocked.Increment(ref _dropped);
    internal void AddRetry() => Interlocked.Increment(ref _retries);
}

/// <summary>The <c>X-Interlock-Signature</c> scheme: <c>sha256=</c> hex HMAC-SHA256 of <c>timestamp + "." + body</c>.</summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Sign(Encoding.UTF8.GetBytes(secret), timestamp, body);
    }

    internal static string Sign(byte[] key, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }
}

/// <summary>Sends approval events to a webhook, HMAC-signed, retried with backoff.</summary>
/// <remarks>
/// The publisher (a decision or a reviewer's answer on the request path) only enqueues: a bounded channel per lane,
/// written with TryWrite, so a slow or dead receiver can never hold up a decision; when a lane is full the event is
/// dropped, logged and counted. Each lane delivers one event at a time, and an approval's events always hash to the
/// same lane, so a receiver sees pending before vote before approved for any one approval.
/// </remarks>
public sealed class WebhookNotifier : IDisposable
{
    /// <summary>The event types sent; <c>approval.used</c> is bookkeeping of the agent's side and not sent.</summary>
    public static readonly IReadOnlySet<string> DeliveredTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "approval.pending", "approval.vote", "approval.approved", "approval.denied", "approval.expired",
        "approval.withdrawn",
    };

    private readonly Uri _url;
    private readonly byte[]? _secret;
    private readonly TimeProvider _time;
    private readonly TextWriter _log;
    private readonly WebhookSettings _settings;
    private readonly Func<string, string> _approvalUrl;
    private readonly HttpClient _http;
    private readonly Channel<Pending>[] _lanes;
    private readonly Task[] _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private int _disposed;

    private WebhookNotifier(ApprovalEvents events, Uri url, string? secret, TimeProvider time, TextWriter log, WebhookSettings settings, Func<string, string> approvalUrl, WebhookCounters counters)
    {
        _url = url;
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _time = time;
        _log = TextWriter.Synchronized(log);
        _settings = settings;
        _approvalUrl = approvalUrl;
        Counters = counters;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A redirect would re-send a signed body somewhere the operator did not configure.
            AllowAutoRedirect = false,
            ConnectTimeout = settings.AttemptTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
        })
        {
            // The per-attempt timeout is a token from the injected clock instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Interlock-Webhook/1");
        var lanes = Math.Max(1, settings.Lanes);
        var perLane = Math.Max(1, settings.QueueCapacity / lanes);
        _lanes = new Channel<Pending>[lanes];
        _workers = new Task[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _lanes[i] = Channel.CreateBounded<Pending>(new BoundedChannelOptions(perLane) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
            var lane = _lanes[i].Reader;
            _workers[i] = Task.Run(() => RunLaneAsync(lane));
        }
        _subscription = events.Subscribe(Enqueue);
    }

    public WebhookCounters Counters { get; }

    /// <summary>Subscribes to <paramref name="events"/> and starts delivering to <paramref name="url"/>.</summary>
    public static WebhookNotifier Start(ApprovalEvents events, Uri url, string? secret, TimeProvider time, TextWriter log) =>
        Start(events, url, secret, time, log, new WebhookSettings(), id => "/approvals/" + id, new WebhookCounters());

    /// <summary>As above, with retry settings, the approval links' base and the counters to update.</summary>
    public static WebhookNotifier Start(ApprovalEvents events, Uri url, string? secret, TimeProvider time, TextWriter log, WebhookSettings settings, Func<string, string> approvalUrl, WebhookCounters counters)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(approvalUrl);
        ArgumentNullException.ThrowIfNull(counters);
        if (string.IsNullOrEmpty(secret))
            log.WriteLine($"interlock: WARNING: webhook deliveries to {url} are unsigned (no webhook secret); a receiver cannot tell them from forgeries");
        return new WebhookNotifier(events, url, secret, time, log, settings, approvalUrl, counters);
    }

    private sealed record Pending(string DeliveryId, ApprovalEvent Event);

    private void Enqueue(ApprovalEvent e)
    {
        if (!DeliveredTypes.Contains(e.Type)) return;
        var pending = new Pending(AccessTokens.NewId("dlv_"), e);
        // string.GetHashCode is randomized per process, which is fine: lanes only need to be stable within one.
        var lane = _lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(e.Request.Id) % (uint)_lanes.Length)];
        if (lane.Writer.TryWrite(pending)) return;
        Counters.AddDropped();
        if (Volatile.Read(ref _disposed) != 0)
        {
            // A publish that raced with shutdown: the queue is closed, not full.
            _log.WriteLine($"interlock: webhook {e.Type} for approval {e.Request.Id} not sent: the server is stopping");
            return;
        }
        _log.WriteLine($"interlock: WEBHOOK DROPPED: the delivery queue is full ({_lanes.Length} lanes of {Math.Max(1, _settings.QueueCapacity / _lanes.Length)} events); {e.Type} for approval {e.Request.Id} (delivery {pending.DeliveryId}) will not be sent to {_url}; total dropped {Counters.Dropped}");
    }

    private async Task RunLaneAsync(ChannelReader<Pending> reader)
    {
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (_stop.IsCancellationRequested)
                    {
                        Counters.AddDropped();
                        continue;
                    }
                    try
                    {
                        await DeliverAsync(item).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A bug in one delivery must not stop the lane behind it.
                        Counters.AddFailed();
                        _log.WriteLine($"interlock: webhook {item.Event.Type} for approval {item.Event.Request.Id} (delivery {item.DeliveryId}) failed: {ex}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        // Whatever is still queued when shutdown cut the drain short is lost: count it.
        while (reader.TryRead(out _)) Counters.AddDropped();
    }

    /// <summary>One delivery: every attempt carries the same body and delivery id, a fresh timestamp and signature.</summary>
    private async Task DeliverAsync(Pending item)
    {
        var body = Serialize(item);
        var e = item.Event;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1) Counters.AddRetry();
            var (outcome, detail, retryAfter) = await AttemptAsync(item, body).ConfigureAwait(false);
            if (outcome == AttemptOutcome.Delivered)
            {
                Counters.AddDelivered();
                return;
            }
            if (outcome == AttemptOutcome.Stopped)
            {
                Counters.AddDropped();
                _log.WriteLine($"interlock: webhook {e.Type} for approval {e.Request.Id} (delivery {item.DeliveryId}) abandoned at shutdown after {attempt} attempt(s)");
                return;
            }
            if (outcome == AttemptOutcome.Permanent || attempt >= _settings.MaxAttempts)
            {
                Counters.AddFailed();
                var why = outcome == AttemptOutcome.Permanent ? "not retried" : $"gave up after {attempt} attempts";
                _log.WriteLine($"interlock: webhook {e.Type} for approval {e.Request.Id} (delivery {item.DeliveryId}) to {_url} failed, {why}: {detail}");
                return;
            }
            var delay = Backoff(attempt, retryAfter);
            try
            {
                await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Counters.AddDropped();
                _log.WriteLine($"interlock: webhook {e.Type} for approval {e.Request.Id} (delivery {item.DeliveryId}) abandoned at shutdown after {attempt} attempt(s): {detail}");
                return;
            }
        }
    }

    private enum AttemptOutcome { Delivered, Retry, Permanent, Stopped }

    private async Task<(AttemptOutcome Outcome, string Detail, TimeSpan? RetryAfter)> AttemptAsync(Pending item, byte[] body)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Interlock-Event", item.Event.Type);
        request.Headers.Add("X-Interlock-Delivery", item.DeliveryId);
        request.Headers.Add("X-Interlock-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (_secret is not null) request.Headers.Add("X-Interlock-Signature", WebhookSignature.Sign(_secret, timestamp, body));
        using var timeout = new CancellationTokenSource(_settings.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300) return (AttemptOutcome.Delivered, "", null);
            var detail = $"HTTP {status} {response.ReasonPhrase}";
            if (status is 408 or 429 or >= 500) return (AttemptOutcome.Retry, detail, RetryAfter(response));
            return (AttemptOutcome.Permanent, detail, null);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return (AttemptOutcome.Stopped, "shutdown", null);
        }
        catch (OperationCanceledException)
        {
            return (AttemptOutcome.Retry, $"no response within {_settings.AttemptTimeout.TotalSeconds:0.###}s", null);
        }
        catch (HttpRequestException ex)
        {
            return (AttemptOutcome.Retry, ex.Message, null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - _time.GetUtcNow();
        return null;
    }

    /// <summary>
    /// Exponential backoff with "equal jitter" (half fixed, half random) so many gateways retrying one receiver spread
    /// out; a receiver's Retry-After is honoured but never beyond the maximum delay.
    /// </summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var max = _settings.MaxRetryDelay;
        var exp = _settings.RetryDelay.Ticks * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exp, max.Ticks);
        var jittered = TimeSpan.FromTicks((long)(capped / 2 + Random.Shared.NextDouble() * capped / 2));
        if (retryAfter is { } ra && ra > jittered) jittered = ra < max ? ra : max;
        return jittered;
    }

    private byte[] Serialize(Pending item)
    {
        var e = item.Event;
        var r = e.Request;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", item.DeliveryId);
            w.WriteString("type", e.Type);
            w.WriteString("at", e.At);
            w.WriteStartObject("approval");
            w.WriteString("id", r.Id);
            w.WriteString("status", r.Status.WireName());
            w.WriteString("agent", r.Agent);
            if (r.Session is not null) w.WriteString("session", r.Session);
            w.WriteBoolean("plan", r.IsPlan);
            w.WriteString("summary", r.IsPlan ? $"plan of {r.Steps.Count} step(s): {string.Join("; ", r.Steps.Select(s => s.Summary))}" : r.Steps[0].Summary);
            w.WriteString("tier", r.Tier);
            w.WriteStartArray("reasons");
            foreach (var reason in r.Reasons) w.WriteStringValue(reason);
            w.WriteEndArray();
            w.WriteNumber("approvals_required", r.ApprovalsRequired);
            w.WriteStartArray("votes");
            foreach (var v in r.Votes)
            {
                w.WriteStartObject();
                w.WriteString("reviewer", v.Reviewer);
                w.WriteBoolean("approved", v.Approved);
                if (v.Reason is null) w.WriteNull("reason");
                else w.WriteString("reason", v.Reason);
                w.WriteString("at", v.At);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("created_at", r.CreatedAt);
            w.WriteString("expires_at", r.ExpiresAt);
            if (r.DecidedAt is { } decided) w.WriteString("decided_at", decided);
            w.WriteString("url", _approvalUrl(r.Id));
            w.WriteEndObject();
            if (e.Actor is null) w.WriteNull("actor");
            else w.WriteString("actor", e.Actor);
            if (e.Reason is null) w.WriteNull("reason");
            else w.WriteString("reason", e.Reason);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Stops taking events, lets queued deliveries finish for up to the drain timeout, then abandons the rest.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _subscription.Dispose();
        foreach (var lane in _lanes) lane.Writer.TryComplete();
        // Wall-clock bound on purpose: shutdown must finish even when the injected clock is a test's manual one.
        var workers = Task.WhenAll(_workers);
        if (!workers.Wait(_settings.DrainTimeout))
        {
            _stop.Cancel();
            // Workers observe the cancellation at their next await; one still inside a send gives up with the handler below.
            if (!workers.Wait(TimeSpan.FromSeconds(2)))
            {
                _log.WriteLine($"interlock: webhook sender did not stop within the drain timeout; {Counters.Dropped} event(s) dropped so far");
                return;
            }
        }
        _stop.Dispose();
        _http.Dispose();
    }
}
