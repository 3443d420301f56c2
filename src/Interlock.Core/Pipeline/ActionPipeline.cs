using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Pipeline;

/// <summary>One decided action as every entry point sees it: its id, the final decision, the evaluation, the approval request, and whether it was recorded.</summary>
public sealed record DecisionReply(string ActionId, Decision Decision, Evaluation? Evaluation, ApprovalRequest? Approval, bool Recorded);

/// <summary>What an <see cref="ActionPipeline"/> runs with: the evaluator serving now, the gate and the recorder.</summary>
public sealed record ActionPipelineOptions
{
    /// <summary>The evaluator (Analyze, Score, Decide) serving now; read once per decision, so a hot reload swaps it.</summary>
    public required Func<ActionEvaluator> Evaluator { get; init; }
    public IApprovalGate Gate { get; init; } = NoReviewerGate.Instance;
    public required IDecisionRecorder Recorder { get; init; }
    /// <summary>The dry runs for decisions that go to a human (<c>require_approval</c>); none by default.</summary>
    public PreviewRunner? Previews { get; init; }
    /// <summary>Preview every action that changes something, whatever its outcome (<c>interlock plan</c>), not only those a human will be asked about.</summary>
    public bool PreviewEveryChange { get; init; }
    /// <summary>Told of every failed record, for health and metrics.</summary>
    public Action<Exception>? OnRecordFailure { get; init; }
}

/// <summary>
/// The whole path of one action, the same for every entry point: Normalize happened in the adapter; here Analyze, Score
/// and Decide (<see cref="ActionEvaluator"/>, self-protection included), a dry-run preview of what a reviewer will be
/// asked about (<see cref="PreviewRunner"/>), Gate (<see cref="IApprovalGate"/>), then Record:
/// the decision's audit record is durable before the reply is returned, and a decision that cannot be recorded is a
/// deny. Any fault along the way is a recorded deny, never an allow.
/// </summary>
public sealed class ActionPipeline(ActionPipelineOptions options)
{
    public const string AuditUnavailable = "the audit log could not record this decision, and nothing is decided without a record";
    public const string FaultRule = "builtin:fault";

    /// <summary>Decides one action under <paramref name="actionId"/> (a new id when null), gates and records it.</summary>
    public async Task<DecisionReply> DecideAsync(ActionRequest request, string? actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        actionId ??= ActionIds.New();
        ActionEvaluator evaluator;
        Evaluation evaluation;
        try
        {
            evaluator = options.Evaluator();
            evaluation = evaluator.Evaluate(request);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return await FaultAsync(request, actionId, $"internal error while evaluating: {ex.GetType().Name}: {ex.Message}", "", cancellationToken).ConfigureAwait(false);
        }

        if (options.Previews is { } previews
            && (evaluation.Decision.Outcome == Outcome.RequireApproval || options.PreviewEveryChange && evaluation.Risk.Tier != Risk.Tier.ReadOnly))
            evaluation = await PreviewAsync(previews, evaluation, evaluator.Policy.Map, cancellationToken).ConfigureAwait(false);

        GateResult gate;
        try
        {
            gate = await options.Gate.GateAsync(evaluation, actionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            evaluation.Lease?.Dispose();
            return await FaultAsync(request, actionId, $"the approval gate failed: {ex.Message}", evaluator.Policy.Hash, cancellationToken).ConfigureAwait(false);
        }
        var final = evaluation with { Decision = gate.Decision };
        var recorded = await RecordAsync(AuditEntry.ForDecision(final, actionId), cancellationToken).ConfigureAwait(false);
        var decision = recorded ? gate.Decision : DenyUnrecorded(gate.Decision);
        if (!recorded || decision.Outcome is not (Outcome.Allow or Outcome.AllowWithConstraints))
        {
            evaluation.Lease?.Dispose();
            final = final with { Lease = null };
        }
        return new DecisionReply(actionId, decision, final with { Decision = decision }, gate.Approval, recorded);
    }

    /// <summary>Records <paramref name="entry"/>; false (and the failure reported) when it could not be made durable.</summary>
    public async Task<bool> RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await options.Recorder.RecordAsync(entry, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            options.OnRecordFailure?.Invoke(ex);
            return false;
        }
    }

    /// <summary>
    /// Runs the previews of an action that goes to a human and rescores it with what they found (<see cref="BlastScorer.WithPreviews"/>).
    /// A preview can only make the decision stricter: a protected resource it finds would be deleted or replaced is a deny.
    /// </summary>
    public static async Task<Evaluation> PreviewAsync(PreviewRunner previews, Evaluation evaluation, Risk.ResourceMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previews);
        ArgumentNullException.ThrowIfNull(evaluation);
        var found = await previews.RunAsync(evaluation, map, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) return evaluation;
        var risk = BlastScorer.WithPreviews(evaluation.Risk, found, map);
        var decision = evaluation.Decision;
        var losses = found.SelectMany(p => p.ProtectedLosses.Select(l => $"protected: the {p.Previewer} preview shows {l}. Only a change to the policy or the resource can allow this")).ToList();
        if (losses.Count > 0)
            decision = decision with { Outcome = Outcome.Deny, Reasons = [.. losses, .. decision.Reasons], Rules = [.. decision.Rules, ActionEvaluator.ProtectedRule], Constraints = null };
        return evaluation with { Previews = found, Risk = risk, Decision = decision };
    }

    /// <summary><paramref name="decision"/> turned into a deny because it could not be recorded.</summary>
    public static Decision DenyUnrecorded(Decision decision) => Deny(decision, AuditUnavailable);

    /// <summary><paramref name="decision"/> turned into a deny for <paramref name="reason"/>, keeping its tier and rules.</summary>
    public static Decision Deny(Decision decision, string reason)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision with { Outcome = Outcome.Deny, Reasons = [.. decision.Reasons, reason], Constraints = null };
    }

    private async Task<DecisionReply> FaultAsync(ActionRequest request, string actionId, string reason, string policyHash, CancellationToken cancellationToken)
    {
        var decision = new Decision(Outcome.Deny, Tier.Never, [reason], [FaultRule], null, policyHash);
        var recorded = await RecordAsync(AuditEntry.Note("denied: " + reason, request.Agent, request.Session, actionId), cancellationToken).ConfigureAwait(false);
        return new DecisionReply(actionId, decision, null, null, recorded);
    }
}
