using Interlock.Actions;
using Interlock.Audit;
using Interlock.Core.Tests.TestSupport;
using Interlock.Pipeline;
using Interlock.Previews;
using Interlock.Risk;
using Microsoft.Extensions.Time.Testing;

namespace Interlock.Core.Tests.Pipeline;

/// <summary>The one pipeline: record before reply, unrecorded is a deny, faults are recorded denies, previews only inform.</summary>
public sealed class ActionPipelineTests
{
    private sealed class ListRecorder : IDecisionRecorder
    {
        public List<AuditEntry> Entries { get; } = [];
        public bool Fail { get; init; }

        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            if (Fail) throw new IOException("disk full");
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingPreviewer(Func<PreviewContext, Preview?> preview) : IPreviewer
    {
        public int Calls { get; private set; }
        public string Name => "test";

        public Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(preview(context));
        }
    }

    /// <summary>Never finishes until cancelled: only the time budget ends it.</summary>
    private sealed class HangingPreviewer : IPreviewer
    {
        public string Name => "hang";

        public async Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return null;
        }
    }

    private sealed class ThrowingGate : IApprovalGate
    {
        public Task<GateResult> GateAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken) => throw new InvalidOperationException("gate down");
    }

    private static ActionRequest Shell(string command) => new() { Command = command, Cwd = Repository.Workspace, Home = Repository.Home };

    private static ActionPipeline Pipeline(IDecisionRecorder recorder, IPreviewer? previewer = null, IApprovalGate? gate = null, Func<ActionEvaluator>? evaluator = null, TimeProvider? time = null) =>
        new(new ActionPipelineOptions
        {
            Evaluator = evaluator ?? (() => Repository.DefaultEvaluator), Recorder = recorder, Gate = gate ?? NoReviewerGate.Instance,
            Previews = previewer is null ? null : new PreviewRunner([previewer], time ?? new FakeTimeProvider()),
        });

    [Fact]
    public async Task TheDecisionIsRecordedUnderItsIdAsTheDocument()
    {
        var recorder = new ListRecorder();
        var reply = await Pipeline(recorder).DecideAsync(Shell("git push --force origin main"), null, CancellationToken.None);
        Assert.True(reply.Recorded);
        Assert.Matches("^act_[0-9a-f]{24}$", reply.ActionId);
        var entry = Assert.Single(recorder.Entries);
        Assert.Equal(reply.ActionId, entry.ActionId);
        var document = DecisionDocumentJson.Read(entry.Payload);
        Assert.Equal(reply.Decision.Outcome, document?.Decision.Outcome);
        Assert.Equal(reply.ActionId, document?.Id);
    }

    [Fact]
    public async Task AnAllowThatCannotBeRecordedIsADeny()
    {
        var reply = await Pipeline(new ListRecorder { Fail = true }).DecideAsync(Shell("ls"), null, CancellationToken.None);
        Assert.False(reply.Recorded);
        Assert.Equal(Outcome.Deny, reply.Decision.Outcome);
        Assert.Contains(ActionPipeline.AuditUnavailable, reply.Decision.Reasons);
        Assert.Null(reply.Evaluation?.Lease);
    }

    [Fact]
    public async Task AFaultingEvaluatorIsARecordedDeny()
    {
        var recorder = new ListRecorder();
        var reply = await Pipeline(recorder, evaluator: () => throw new InvalidOperationException("policy gone")).DecideAsync(Shell("ls"), null, CancellationToken.None);
        Assert.Equal(Outcome.Deny, reply.Decision.Outcome);
        Assert.Equal([ActionPipeline.FaultRule], reply.Decision.Rules);
        Assert.Contains("policy gone", Assert.Single(recorder.Entries).Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFaultingGateIsADeny()
    {
        var reply = await Pipeline(new ListRecorder(), gate: new ThrowingGate()).DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.Deny, reply.Decision.Outcome);
        Assert.Contains("gate down", string.Join(";", reply.Decision.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreviewIsTakenForWhatAHumanWillSeeAndRecorded()
    {
        var recorder = new ListRecorder();
        var previewer = new CountingPreviewer(c => new Preview
        {
            Previewer = "test", Headline = "would push to " + string.Join(",", c.Facts.Operations.SelectMany(o => o.Targets)),
            Count = 3, Unit = "commits", Items = [new PreviewItem("commit", "abc1234 Ada: fix")],
        });
        var pipeline = Pipeline(recorder, previewer);

        var asked = await pipeline.DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.RequireApproval, asked.Decision.Outcome);
        Assert.Equal(1, previewer.Calls);
        var preview = Assert.Single(asked.Evaluation!.Previews);
        Assert.StartsWith("would push to", preview.Headline, StringComparison.Ordinal);
        Assert.Equal(3, asked.Evaluation.Risk.BlastRadius.ScopeCount);
        // The record carries the preview the reviewer is shown, and reads back the same.
        var recorded = DecisionDocumentJson.Read(recorder.Entries[^1].Payload)!;
        var back = Assert.Single(recorded.Previews);
        Assert.Equal(preview.Headline, back.Headline);
        Assert.Equal("abc1234 Ada: fix", Assert.Single(back.Items).Text);
        Assert.Equal(3, recorded.BlastRadius?.ScopeCount);

        // Allowed and denied actions go to no human: no dry run is run for them.
        await pipeline.DecideAsync(Shell("ls"), null, CancellationToken.None);
        await pipeline.DecideAsync(Shell("rm -rf ~"), null, CancellationToken.None);
        Assert.Equal(1, previewer.Calls);
    }

    [Fact]
    public async Task AFailingPreviewerIsAnIncompletePreviewScoredAsTheWorseCase()
    {
        var recorder = new ListRecorder();
        var reply = await Pipeline(recorder, new CountingPreviewer(_ => throw new TimeoutException("cluster unreachable")))
            .DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.RequireApproval, reply.Decision.Outcome);
        var preview = Assert.Single(reply.Evaluation!.Previews);
        Assert.Equal(PreviewStatus.Incomplete, preview.Status);
        Assert.Contains("cluster unreachable", preview.Limit, StringComparison.Ordinal);
        Assert.Equal(Reversibility.Irreversible, reply.Evaluation.Risk.BlastRadius.Reversibility);
        Assert.True(reply.Evaluation.Risk.BlastRadius.Level >= BlastLevel.High);
        Assert.True(reply.Recorded);
    }

    [Fact]
    public async Task APreviewerThatOutlivesItsTimeBudgetIsCutOffOnTheInjectedClock()
    {
        var clock = new FakeTimeProvider();
        var pending = Pipeline(new ListRecorder(), new HangingPreviewer(), time: clock).DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        // Nothing ends it but the clock: advance past the budget.
        for (int i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            clock.Advance(PreviewBudget.Default.Time);
            await Task.Delay(10);
        }
        var reply = await pending;
        var preview = Assert.Single(reply.Evaluation!.Previews);
        Assert.Equal(PreviewStatus.Incomplete, preview.Status);
        Assert.Contains("time budget", preview.Limit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreviewShowingAProtectedLossTurnsApprovalIntoDeny()
    {
        var reply = await Pipeline(new ListRecorder(), new CountingPreviewer(_ => new Preview
        {
            Previewer = "test", Headline = "destroys 1", ProtectedLosses = ["aws_db_instance.main (prevent_destroy)"],
        })).DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.Deny, reply.Decision.Outcome);
        Assert.Contains(ActionEvaluator.ProtectedRule, reply.Decision.Rules);
        Assert.Contains(reply.Decision.Reasons, r => r.Contains("aws_db_instance.main", StringComparison.Ordinal));
    }
}
