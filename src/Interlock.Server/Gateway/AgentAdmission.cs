using Interlock.Server.Api;

namespace Interlock.Server.Gateway;

/// <summary>
/// Per-agent fairness for analysis: each agent principal has at most <see cref="PerAgent"/> calls in analysis at once,
/// and a call beyond that is refused at once (429 with a deny body), never queued. One agent flooding worst-case
/// commands then holds at most that many request threads, and every other agent's calls are admitted as before.
/// </summary>
public sealed class AgentAdmission
{
    /// <summary>The <c>Retry-After</c> of a refusal: an evaluation normally ends in milliseconds, its budgets within a second.</summary>
    public const int RetryAfterSeconds = 1;

    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Func<string, CancellationToken, Task>? _onAdmitted;

    public AgentAdmission(int perAgent, Func<string, CancellationToken, Task>? onAdmitted = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perAgent, 1);
        PerAgent = perAgent;
        _onAdmitted = onAdmitted;
    }

    public int PerAgent { get; }

    /// <summary>How many of <paramref name="agent"/>'s calls are in analysis now.</summary>
    public int InFlight(string agent)
    {
        lock (_lock) return _inFlight.GetValueOrDefault(agent);
    }

    /// <summary>A ticket to dispose when the analysis ends, or null when the agent already has <see cref="PerAgent"/> in flight.</summary>
    public Ticket? TryEnter(string agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_lock)
        {
            var count = _inFlight.GetValueOrDefault(agent);
            if (count >= PerAgent) return null;
            _inFlight[agent] = count + 1;
        }
        return new Ticket(this, agent);
    }

    /// <summary>Admits the call, then runs the test seam (if any); the ticket or the 429 problem that refuses the call.</summary>
    public async Task<(Ticket? Ticket, ApiProblem? Refused)> EnterAsync(string agent, CancellationToken cancellationToken)
    {
        var ticket = TryEnter(agent);
        if (ticket is null) return (null, Refusal(agent));
        if (_onAdmitted is not null)
        {
            try
            {
                await _onAdmitted(agent, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ticket.Dispose();
                throw;
            }
        }
        return (ticket, null);
    }

    /// <summary>The 429 reply: a deny, with why and when to try again.</summary>
    public ApiProblem Refusal(string agent)
    {
        var why = $"agent '{agent}' already has {PerAgent} evaluations in flight (the limit per agent is {PerAgent}); this one was refused without being evaluated: retry when one of them has finished";
        return new ApiProblem(429, "Too many requests", why, new Dictionary<string, object?> { ["decision"] = "deny", ["reasons"] = new[] { why } })
        {
            RetryAfterSeconds = RetryAfterSeconds,
        };
    }

    private void Exit(string agent)
    {
        lock (_lock)
        {
            var count = _inFlight.GetValueOrDefault(agent) - 1;
            if (count <= 0) _inFlight.Remove(agent);
            else _inFlight[agent] = count;
        }
    }

    /// <summary>One admitted call; disposing it (once) frees the agent's slot.</summary>
    public sealed class Ticket : IDisposable
    {
        private readonly AgentAdmission _owner;
        private readonly string _agent;
        private int _disposed;

        internal Ticket(AgentAdmission owner, string agent)
        {
            _owner = owner;
            _agent = agent;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _owner.Exit(_agent);
        }
    }
}
