using System.Text.Json;
using Interlock.Pipeline;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Risk;
using Interlock.Server.Gateway;

namespace Interlock.Server.Api;

/// <summary>The JSON shapes the API returns, built from the pipeline's records.</summary>
public static class ApiViews
{
    public sealed record ApprovalLink(string Id, string Status, DateTimeOffset ExpiresAt, string Url, string? Reason = null);

    public sealed record DecisionView(
        string Id, string Decision, string Tier, IReadOnlyList<string> Reasons, IReadOnlyList<string> Rules, string PolicyHash,
        ApprovalLink? Approval, Constraints? Constraints, BlastView? BlastRadius, string? RequestId);

    public sealed record BlastView(string Level, string Scope, bool Reversible, bool SharedState, IReadOnlyList<string> Reasons);

    private static string LevelName(BlastLevel level) => level switch
    {
        BlastLevel.Low => "low",
        BlastLevel.Medium => "medium",
        BlastLevel.High => "high",
        BlastLevel.Critical => "critical",
        _ => level.ToString().ToLowerInvariant(),
    };

    public sealed record PlanView(string Id, string Decision, string Tier, IReadOnlyList<string> Reasons, IReadOnlyList<string> Rules, string PolicyHash,
        IReadOnlyList<DecisionView> Steps, ApprovalLink? Approval);

    public sealed record VoteView(string Reviewer, bool Approved, string? Reason, DateTimeOffset At);

    public sealed record StepView(string Summary, string ActionId, string Digest, bool Used);

    public sealed record ApprovalView(
        string Id, string Status, string Agent, string? Session, bool Plan, IReadOnlyList<StepView> Steps, string Tier,
        IReadOnlyList<string> Reasons, IReadOnlyList<string> Rules, string PolicyHash, int ApprovalsRequired, IReadOnlyList<VoteView> Votes,
        DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt, string Url, IReadOnlyList<JsonElement> Details);

    public sealed record PrincipalView(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, string? Token = null);

    public sealed record RecordView(long Sequence, string Id, DateTimeOffset Timestamp, string Kind, string? Agent, string? Session, string? ActionId,
        JsonElement Payload, string PreviousHash, string Hash);

    public static string ApprovalUrl(GatewayServices services, string id) => $"{services.PublicUrl}/approvals/{id}";

    public static ApprovalLink Link(GatewayServices services, ApprovalRequest r) =>
        new(r.Id, r.Status.WireName(), r.ExpiresAt, ApprovalUrl(services, r.Id), r.DenyReason);

    public static DecisionView Decision(GatewayServices services, DecisionReply reply, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var d = reply.Decision;
        BlastView? blast = null;
        if (reply.Evaluation is { } ev)
        {
            var b = ev.Risk.BlastRadius;
            // A typed view, not a JsonElement built per request: same JSON, one serialization instead of three passes.
            blast = new BlastView(LevelName(b.Level), b.Scope, b.Reversible, b.SharedState, b.Reasons);
        }
        return new DecisionView(reply.ActionId, d.Outcome.WireName(), d.Tier.WireName(), d.Reasons, d.Rules, d.PolicyHash,
            reply.Approval is { } a ? Link(services, a) : null, d.Constraints, blast, requestId);
    }

    public static ApprovalView Approval(GatewayServices services, ApprovalRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var details = new List<JsonElement>(r.Details.Count);
        foreach (var d in r.Details)
        {
            using var doc = JsonDocument.Parse(d);
            details.Add(doc.RootElement.Clone());
        }
        return new ApprovalView(r.Id, r.Status.WireName(), r.Agent, r.Session, r.IsPlan,
            r.Steps.Select(s => new StepView(s.Summary, s.ActionId, s.Digest, s.Used)).ToList(), r.Tier, r.Reasons, r.Rules, r.PolicyHash,
            r.ApprovalsRequired, r.Votes.Select(v => new VoteView(v.Reviewer, v.Approved, v.Reason, v.At)).ToList(),
            r.CreatedAt, r.ExpiresAt, r.DecidedAt, ApprovalUrl(services, r.Id), details);
    }

    public static PrincipalView Principal(Principal p, string? token = null) =>
        new(p.Id, p.Name, p.Role.WireName(), p.CreatedAt, p.ExpiresAt, p.RevokedAt, token);

    public static RecordView Record(AuditRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var doc = JsonDocument.Parse(r.Entry.Payload);
        return new RecordView(r.Sequence, r.Id, r.Timestamp, r.Entry.Kind.WireName(), r.Entry.Agent, r.Entry.Session, r.Entry.ActionId,
            doc.RootElement.Clone(), r.PreviousHash, r.Hash);
    }
}
