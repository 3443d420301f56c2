using System.Text.Json;
using Interlock.Pipeline;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Server.Gateway;

namespace Interlock.Server.Api;

/// <summary>The JSON shapes the API returns, built from the pipeline's records.</summary>
public static class ApiViews
{
    public sealed record PlanView(string Id, string Decision, string Tier, IReadOnlyList<string> Reasons, IReadOnlyList<string> Rules, string PolicyHash,
        IReadOnlyList<DecisionDocument> Steps, ApprovalLink? Approval)
    {
        /// <summary>The chain as one unit: its combined decision document (blast radius over every step, all previews).</summary>
        public DecisionDocument? Unit { get; init; }
    }

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

    /// <summary>The decision document of <paramref name="reply"/>, with the reviewer page of its approval.</summary>
    public static DecisionDocument Decision(GatewayServices services, DecisionReply reply, string? requestId) =>
        DecisionDocument.Of(reply, reply.Approval is { } a ? Link(services, a) : null, requestId);

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
