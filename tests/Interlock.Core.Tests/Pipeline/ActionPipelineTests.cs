using Interlock.Actions;
using Interlock.Audit;
using Interlock.Core.Tests.TestSupport;
using Interlock.Pipeline;

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

    private sealed class CountingPreviewer(Func<Evaluation, string?> preview) : IPreviewer
    {
        public int Calls { get; private set; }

        public Task<string?> PreviewAsync(Evaluation evaluation, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(preview(evaluation));
        }
    }

    private sealed class ThrowingGate : IApprovalGate
    {
        public Task<GateResult> GateAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken) => throw new InvalidOperationException("gate down");
    }

    private static ActionRequest Shell(string command) => new() { Command = command, Cwd = Repository.Workspace, Home = Repository.Home };

    private static ActionPipeline Pipeline(IDecisionRecorder recorder, IPreviewer? previewer = null, IApprovalGate? gate = null, Func<ActionEvaluator>? evaluator = null) =>
        new(new ActionPipelineOptions { Evaluator = evaluator ?? (() => Repository.DefaultEvaluator), Recorder = recorder, Previewer = previewer, Gate = gate ?? NoReviewerGate.Instance });

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
        var previewer = new CountingPreviewer(e => "would push to " + string.Join(",", e.Facts.Operations.SelectMany(o => o.Targets)));
        var pipeline = Pipeline(recorder, previewer);

        var asked = await pipeline.DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.RequireApproval, asked.Decision.Outcome);
        Assert.Equal(1, previewer.Calls);
        Assert.StartsWith("would push to", asked.Evaluation?.Preview, StringComparison.Ordinal);
        Assert.Contains("\"preview\":\"would push to", recorder.Entries[^1].Payload, StringComparison.Ordinal);

        // Allowed and denied actions go to no human: no dry run is run for them.
        await pipeline.DecideAsync(Shell("ls"), null, CancellationToken.None);
        await pipeline.DecideAsync(Shell("rm -rf ~"), null, CancellationToken.None);
        Assert.Equal(1, previewer.Calls);
    }

    [Fact]
    public async Task AFailingPreviewerNeverChangesTheDecision()
    {
        var recorder = new ListRecorder();
        var reply = await Pipeline(recorder, new CountingPreviewer(_ => throw new TimeoutException("cluster unreachable")))
            .DecideAsync(Shell("git push origin main"), null, CancellationToken.None);
        Assert.Equal(Outcome.RequireApproval, reply.Decision.Outcome);
        Assert.Equal("(no preview: TimeoutException: cluster unreachable)", reply.Evaluation?.Preview);
        Assert.True(reply.Recorded);
    }
}
