using Interlock.Actions;
using Interlock.Policy;

namespace Interlock.Throttling;

/// <summary>The outcome of asking for a slot: granted with a lease to release when the action ends, or refused with a reason.</summary>
public sealed record ThrottleResult(bool Granted, string? Reason, IDisposable? Lease);

/// <summary>
/// The throttle/counter port of Decide: takes a slot under an action's constraints (<c>rate_limit</c>,
/// <c>max_concurrent</c>) for a key (agent and rules), or says why not. <see cref="ConstraintLimiter"/> keeps the
/// counters in this process; a store shared by replicas implements the same port.
/// </summary>
public interface IThrottleStore
{
    ThrottleResult TryAcquire(string key, Constraints constraints);
}

/// <summary>
/// Enforces <c>rate_limit</c> (sliding window) and <c>max_concurrent</c> for allowed-with-constraints actions,
/// per key (agent and rules), on an injected clock. Thread-safe; state lives in this process only.
/// </summary>
public sealed class ConstraintLimiter : IThrottleStore
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ConstraintLimiter(TimeProvider time) => _time = time ?? throw new ArgumentNullException(nameof(time));

    private sealed class Window
    {
        public Queue<DateTimeOffset> Starts { get; } = new();
        public int Running { get; set; }
    }

    /// <summary>Takes a slot for <paramref name="key"/> under <paramref name="constraints"/>, or says why it cannot.</summary>
    public ThrottleResult TryAcquire(string key, Constraints constraints)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(key, out var w)) _windows[key] = w = new Window();
            if (constraints.RateLimit is { } rate && RateLimit.TryParse(rate, out var count, out var seconds))
            {
                var window = TimeSpan.FromSeconds(seconds);
                while (w.Starts.Count > 0 && now - w.Starts.Peek() >= window) w.Starts.Dequeue();
                if (w.Starts.Count >= count)
                {
                    var retry = w.Starts.Peek() + window - now;
                    return new ThrottleResult(false, $"rate limit {rate} reached; the next slot opens in {Describe(retry)}", null);
                }
            }
            if (constraints.MaxConcurrent is { } max && w.Running >= max)
                return new ThrottleResult(false, $"max_concurrent {max} reached; {w.Running} already running", null);

            if (constraints.RateLimit is not null) w.Starts.Enqueue(now);
            w.Running++;
            return new ThrottleResult(true, null, new Lease(this, key));
        }
    }

    private void Release(string key)
    {
        lock (_lock)
        {
            if (_windows.TryGetValue(key, out var w) && w.Running > 0) w.Running--;
        }
    }

    private static string Describe(TimeSpan t) =>
        t.TotalSeconds < 90 ? $"{Math.Ceiling(t.TotalSeconds):0} s" : t.TotalMinutes < 90 ? $"{Math.Ceiling(t.TotalMinutes):0} min" : $"{Math.Ceiling(t.TotalHours):0} h";

    private sealed class Lease(ConstraintLimiter owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key);
        }
    }
}
