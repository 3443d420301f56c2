using System.Globalization;
using System.Text;
using Interlock.Actions;
using Interlock.Server.Notifications;

namespace Interlock.Server.Metrics;

/// <summary>Counters and the decision latency histogram, rendered in the Prometheus text format at <c>/metrics</c>.</summary>
public sealed class GatewayMetrics
{
    /// <summary>Upper bounds of the latency buckets, in seconds.</summary>
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly long[] _decisions = new long[4];
    private readonly long[] _bucketCounts = new long[Buckets.Length + 1];
    private long _latencySumMicros;
    private long _latencyCount;
    private long _auditFailures;
    private long _policyReloadFailures;

    /// <summary>The webhook sender's counters, when a webhook is configured.</summary>
    public WebhookCounters? Webhooks { get; set; }

    public void RecordDecision(Outcome outcome, TimeSpan latency)
    {
        Interlocked.Increment(ref _decisions[(int)outcome]);
        var seconds = latency.TotalSeconds;
        var i = 0;
        while (i < Buckets.Length && seconds > Buckets[i]) i++;
        Interlocked.Increment(ref _bucketCounts[i]);
        Interlocked.Add(ref _latencySumMicros, (long)(latency.Ticks / 10));
        Interlocked.Increment(ref _latencyCount);
    }

    public void RecordAuditFailure() => Interlocked.Increment(ref _auditFailures);

    public void RecordPolicyReloadFailure() => Interlocked.Increment(ref _policyReloadFailures);

    public long Decisions(Outcome outcome) => Interlocked.Read(ref _decisions[(int)outcome]);

    public string Render(int pendingApprovals, long auditHead, bool healthy)
    {
        var sb = new StringBuilder(2048);
        var ci = CultureInfo.InvariantCulture;
        sb.Append("# HELP interlock_decisions_total Decisions returned, by outcome.\n# TYPE interlock_decisions_total counter\n");
        foreach (var o in new[] { Outcome.Allow, Outcome.AllowWithConstraints, Outcome.RequireApproval, Outcome.Deny })
            sb.Append(ci, $"interlock_decisions_total{{outcome=\"{o.WireName()}\"}} {Decisions(o)}\n");
        sb.Append("# HELP interlock_decision_duration_seconds Time from request to decision, audit write included.\n# TYPE interlock_decision_duration_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _bucketCounts[i]);
            sb.Append(ci, $"interlock_decision_duration_seconds_bucket{{le=\"{Buckets[i].ToString(ci)}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _bucketCounts[Buckets.Length]);
        sb.Append(ci, $"interlock_decision_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        sb.Append(ci, $"interlock_decision_duration_seconds_sum {(Interlocked.Read(ref _latencySumMicros) / 1e6).ToString(ci)}\n");
        sb.Append(ci, $"interlock_decision_duration_seconds_count {Interlocked.Read(ref _latencyCount)}\n");
        sb.Append("# HELP interlock_approvals_pending Approval requests waiting for reviewers.\n# TYPE interlock_approvals_pending gauge\n");
        sb.Append(ci, $"interlock_approvals_pending {pendingApprovals}\n");
        sb.Append("# HELP interlock_audit_head_sequence Sequence number of the last durable audit record.\n# TYPE interlock_audit_head_sequence gauge\n");
        sb.Append(ci, $"interlock_audit_head_sequence {auditHead}\n");
        sb.Append("# HELP interlock_audit_write_failures_total Decisions refused because the audit record could not be written.\n# TYPE interlock_audit_write_failures_total counter\n");
        sb.Append(ci, $"interlock_audit_write_failures_total {Interlocked.Read(ref _auditFailures)}\n");
        if (Webhooks is { } w)
        {
            sb.Append("# HELP interlock_webhook_deliveries_total Webhook deliveries by result: delivered (2xx), failed (gave up), dropped (queue full or shutdown).\n# TYPE interlock_webhook_deliveries_total counter\n");
            sb.Append(ci, $"interlock_webhook_deliveries_total{{result=\"delivered\"}} {w.Delivered}\n");
            sb.Append(ci, $"interlock_webhook_deliveries_total{{result=\"failed\"}} {w.Failed}\n");
            sb.Append(ci, $"interlock_webhook_deliveries_total{{result=\"dropped\"}} {w.Dropped}\n");
            sb.Append("# HELP interlock_webhook_retries_total Webhook attempts after the first.\n# TYPE interlock_webhook_retries_total counter\n");
            sb.Append(ci, $"interlock_webhook_retries_total {w.Retries}\n");
        }
        sb.Append("# HELP interlock_up Whether the server can decide (audit store writable).\n# TYPE interlock_up gauge\n");
        sb.Append(ci, $"interlock_up {(healthy ? 1 : 0)}\n");
        return sb.ToString();
    }
}
