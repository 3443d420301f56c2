using Interlock.Risk;

namespace Interlock.Actions;

/// <summary>Policy outcomes, ordered so that a larger value is stricter.</summary>
public enum Outcome
{
    Allow = 0,
    AllowWithConstraints = 1,
    RequireApproval = 2,
    Deny = 3,
}

/// <summary>Wire names for <see cref="Outcome"/>.</summary>
public static class Outcomes
{
    public static string WireName(this Outcome outcome) => outcome switch
    {
        Outcome.Allow => "allow",
        Outcome.AllowWithConstraints => "allow_with_constraints",
        Outcome.RequireApproval => "require_approval",
        _ => "deny",
    };

    public static bool TryParse(string text, out Outcome outcome)
    {
        switch (text)
        {
            case "allow": outcome = Outcome.Allow; return true;
            case "allow_with_constraints": outcome = Outcome.AllowWithConstraints; return true;
            case "require_approval": outcome = Outcome.RequireApproval; return true;
            case "deny": outcome = Outcome.Deny; return true;
            default: outcome = Outcome.Deny; return false;
        }
    }

    public static Outcome Stricter(Outcome a, Outcome b) => a >= b ? a : b;
}

/// <summary>Limits attached to an <c>allow_with_constraints</c> decision, or the approval terms of a <c>require_approval</c> one.</summary>
public sealed record Constraints
{
    public int? MaxConcurrent { get; init; }
    /// <summary>Rate limit as written, e.g. <c>20/hour</c>.</summary>
    public string? RateLimit { get; init; }
    public int? MaxRuntimeSec { get; init; }
    public int? ApprovalsRequired { get; init; }
    /// <summary>How long an approval request for this action stays pending before it expires (a denial).</summary>
    public int? ApprovalTimeoutSec { get; init; }

    /// <summary>The constraints set, by wire name, in a fixed order.</summary>
    public IReadOnlyList<(string Name, string Value)> Entries()
    {
        var parts = new List<(string, string)>();
        if (RateLimit is not null) parts.Add(("rate_limit", RateLimit));
        if (MaxConcurrent is { } mc) parts.Add(("max_concurrent", mc.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (MaxRuntimeSec is { } rt) parts.Add(("max_runtime_sec", rt.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (ApprovalsRequired is { } ar) parts.Add(("approvals_required", ar.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (ApprovalTimeoutSec is { } at) parts.Add(("approval_timeout_sec", at.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return parts;
    }

    /// <summary>The constraints as a person reads them: <c>rate_limit 20/hour, max_concurrent 3</c>.</summary>
    public string Describe() => string.Join(", ", Entries().Select(e => e.Name + " " + e.Value));
}

/// <summary>The verdict: outcome, tier, human-readable reasons, the rules that matched, constraints and the deciding policy's hash.</summary>
public sealed record Decision(
    Outcome Outcome,
    Tier Tier,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Rules,
    Constraints? Constraints,
    string PolicyHash);
