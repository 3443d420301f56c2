using System.Collections.Concurrent;

namespace Interlock.Server.Gateway;

/// <summary>
/// Holds the <c>max_concurrent</c> slot of an allowed action until the agent reports its result, or until its
/// <c>max_runtime_sec</c> (default one hour) has passed, so an agent that never reports can't hold a slot forever.
/// </summary>
public sealed class ConcurrencyLeases(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (IDisposable Lease, ITimer Timer)> _held = new(StringComparer.Ordinal);

    public void Hold(string actionId, IDisposable lease, TimeSpan? maxRuntime)
    {
        var timer = time.CreateTimer(_ => Release(actionId), null, maxRuntime ?? TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        _held[actionId] = (lease, timer);
    }

    public void Release(string actionId)
    {
        if (!_held.TryRemove(actionId, out var held)) return;
        held.Timer.Dispose();
        held.Lease.Dispose();
    }
}
