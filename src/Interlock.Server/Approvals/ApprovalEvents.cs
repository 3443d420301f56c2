using Interlock.Approvals;

namespace Interlock.Server.Approvals;

/// <summary>Something happened to an approval request: <c>approval.pending</c>, <c>approval.vote</c>, <c>approval.approved</c>, <c>approval.denied</c>, <c>approval.expired</c>, <c>approval.withdrawn</c>, <c>approval.used</c>.</summary>
public sealed record ApprovalEvent(string Type, ApprovalRequest Request, DateTimeOffset At, string? Actor = null, string? Reason = null);

/// <summary>
/// In-process fan-out of approval events to subscribers (the web UI's live queue, the webhook sender) and a change
/// signal for callers waiting on a decision. Waiters also poll the store, so a change made by another replica is seen.
/// </summary>
public sealed class ApprovalEvents
{
    private readonly Lock _lock = new();
    private readonly List<Action<ApprovalEvent>> _subscribers = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IDisposable Subscribe(Action<ApprovalEvent> subscriber)
    {
        lock (_lock) _subscribers.Add(subscriber);
        return new Subscription(this, subscriber);
    }

    /// <summary>How many subscribers are attached (tests check that a closed event stream lets go).</summary>
    internal int SubscriberCount
    {
        get
        {
            lock (_lock) return _subscribers.Count;
        }
    }

    /// <summary>Completes at the next published event.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock) return _changed.Task;
        }
    }

    public void Publish(ApprovalEvent e)
    {
        Action<ApprovalEvent>[] subscribers;
        TaskCompletionSource changed;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        foreach (var s in subscribers)
        {
            try
            {
                s(e);
            }
            catch (Exception)
            {
                // A failing subscriber (a closed browser stream) must not stop the others or the decision.
            }
        }
    }

    private sealed class Subscription(ApprovalEvents owner, Action<ApprovalEvent> subscriber) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock) owner._subscribers.Remove(subscriber);
        }
    }
}
