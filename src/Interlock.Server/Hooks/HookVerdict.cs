using System.Text;
using Interlock.Actions;

namespace Interlock.Server.Hooks;

/// <summary>One action of a hook call as decided: the final decision and, in server mode, the approval still pending.</summary>
internal sealed record HookDecision(ActionRequest Request, Decision Decision, PendingApproval? Pending = null);

/// <summary>An approval a reviewer has not answered yet: the model is told its id and URL so it can point its user there.</summary>
internal sealed record PendingApproval(string Id, string Url);

/// <summary>
/// Puts the decisions of one hook call in the host's terms: the strictest outcome wins, its reasons become the text the
/// model and user read. Offline, <c>require_approval</c> is <c>ask</c> where the host can ask its user (the user approves
/// in the agent's UI); with a server it is a deny naming the pending approval, because the reviewer decides elsewhere.
/// </summary>
internal static class HookVerdict
{
    public static HookReply Combine(HookCall call, IReadOnlyList<HookDecision> decisions, bool server)
    {
        var outcome = Outcome.Allow;
        var parts = new List<string>();
        var rules = new List<string>();
        var constraints = new List<string>();
        var pending = new List<PendingApproval>();
        foreach (var (request, d, approval) in decisions)
        {
            var o = d.Outcome;
            if (o > outcome) { outcome = o; parts.Clear(); pending.Clear(); }
            if (o == outcome)
            {
                var prefix = decisions.Count > 1 && request.Path is { } p ? p + ": " : "";
                parts.AddRange(d.Reasons.Select(r => prefix + r));
                if (approval is not null && !pending.Contains(approval)) pending.Add(approval);
            }
            foreach (var r in d.Rules) if (!rules.Contains(r)) rules.Add(r);
            if (o == Outcome.AllowWithConstraints && d.Constraints is { } c) constraints.Add(c.Describe());
        }
        if (decisions.Count == 0)
        {
            outcome = Outcome.Deny;
            parts.Add("the hook call proposed no action to decide");
        }
        var text = new StringBuilder("Interlock: ").Append(outcome.WireName());
        if (parts.Count > 0) text.Append(" — ").AppendJoin("; ", parts.Distinct(StringComparer.Ordinal));
        if (outcome == Outcome.AllowWithConstraints && constraints.Count > 0) text.Append(" [constraints: ").AppendJoin("; ", constraints.Distinct(StringComparer.Ordinal)).Append(']');
        if (rules.Count > 0) text.Append(" (rules: ").AppendJoin(", ", rules).Append(')');
        HookAnswer answer;
        if (outcome is Outcome.Allow or Outcome.AllowWithConstraints) answer = HookAnswer.Allow;
        else if (outcome != Outcome.RequireApproval) answer = HookAnswer.Deny;
        else if (server)
        {
            answer = HookAnswer.Deny;
            var ids = pending.Count > 0
                ? string.Join("; ", pending.Select(a => $"approval {a.Id} at {a.Url}"))
                : "no approval request could be opened";
            text.Insert(0, $"waiting for a reviewer's approval; not approved yet ({ids}). Tell the user to approve it there, then retry. ");
        }
        else if (call.CanAsk) answer = HookAnswer.Ask;
        else
        {
            answer = HookAnswer.Deny;
            text.Insert(0, "requires approval, which this agent's hooks cannot ask for; ");
        }
        return new HookReply(answer, text.ToString());
    }

    /// <summary>The fail-closed reply: a deny saying why the hook could not decide.</summary>
    public static HookReply FailClosed(string why) => new(HookAnswer.Deny, "Interlock denied this (fail closed): " + why);
}
