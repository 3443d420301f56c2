using Interlock.Actions;
using Interlock.Audit;
using Interlock.Pipeline;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Git;
using Microsoft.Extensions.Time.Testing;

namespace Interlock.Storage.Tests.Previews.Git;

/// <summary>The git previewer behind <see cref="ActionPipeline"/>: what a reviewer is asked about carries the commits a force push loses.</summary>
public sealed class GitPreviewPipelineTests
{
    private sealed class ListRecorder : IDecisionRecorder
    {
        public List<AuditEntry> Entries { get; } = [];

        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }

    /// <summary>Every write goes to a reviewer: a lease push of a feature branch, which the default policy allows, asks here.</summary>
    private const string ReviewEverything = """
        version: v1
        default: require_approval
        rules:
          - id: review-writes
            match:
              tiers: [write_autonomous, write_with_confirmation]
            decision: require_approval
            reason: "a reviewer sees every write"
        """;

    private static (GitFixture Fx, string Grace, string Linus) Diverged(string branch)
    {
        var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("README.md", "hello\n"));
        GitFixture.Git(fx.A, "push", "-q", "origin", "main");
        if (branch != "main")
        {
            GitFixture.Git(fx.A, "checkout", "-q", "-b", branch);
            GitFixture.Git(fx.A, "push", "-q", "-u", "origin", branch);
        }
        var b = fx.Clone("b");
        GitFixture.Git(b, "checkout", "-q", branch);
        var grace = fx.Commit(b, "Grace Hopper", "add the parser", ("parser.c", "int parse(void);\n"));
        var linus = fx.Commit(b, "Linus Torvalds", "fix the parser", ("parser.c", "int parse(void) { return 0; }\n"));
        GitFixture.Git(b, "push", "-q", "origin", branch);
        GitFixture.Git(fx.A, "fetch", "-q");
        fx.Commit(fx.A, "Ada Lovelace", "rewrite the readme", ("README.md", "hello again\n"));
        return (fx, grace, linus);
    }

    [Fact]
    public async Task AForcePushThatGoesToAReviewerCarriesTheLostCommitsInItsRecordedDocument()
    {
        var (fx, grace, linus) = Diverged("feature");
        using var _ = fx;
        var loaded = PolicyLoader.Load(ReviewEverything, "review.yaml");
        Assert.True(loaded.Success, string.Join('\n', loaded.Errors));
        var evaluator = new ActionEvaluator(loaded.Policy!);
        var recorder = new ListRecorder();
        var pipeline = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => evaluator, Recorder = recorder,
            Previews = new PreviewRunner([new GitPreviewer()], new FakeTimeProvider()),
        });

        var reply = await pipeline.DecideAsync(new ActionRequest { Command = "git push --force-with-lease origin feature", Cwd = fx.A, Home = "/home/dev" }, null, CancellationToken.None);

        Assert.Equal(Outcome.RequireApproval, reply.Decision.Outcome);
        var recorded = DecisionDocumentJson.Read(recorder.Entries[^1].Payload)!;
        var preview = Assert.Single(recorded.Previews);
        Assert.Equal("git", preview.Previewer);
        Assert.Equal(2, preview.Count);
        Assert.Equal([$"{linus} Linus Torvalds: fix the parser", $"{grace} Grace Hopper: add the parser"], preview.Items.Select(i => i.Text));
        // The preview's count and irreversibility rescore the blast radius the reviewer sees.
        Assert.Equal(2, recorded.BlastRadius?.ScopeCount);
        Assert.Equal(Reversibility.Irreversible, recorded.BlastRadius?.Reversibility);
    }

    [Fact]
    public async Task ForcingMainIsDeniedBeforeAnyPreviewAndItsPreviewCarriesTheLostCommitsWhenAsked()
    {
        var (fx, grace, linus) = Diverged("main");
        using var _ = fx;
        var runner = new PreviewRunner([new GitPreviewer()], new FakeTimeProvider());
        var evaluation = GitFixture.Evaluate("git push --force origin main", fx.A);
        // The never tier denies a force push to main whatever the policy says, so the pipeline itself runs no preview for it;
        // the preview stage still shows what it would lose when a decision of this action goes to a reviewer.
        Assert.Equal(Outcome.Deny, evaluation.Decision.Outcome);
        var asked = evaluation with { Decision = evaluation.Decision with { Outcome = Outcome.RequireApproval } };
        var previewed = await ActionPipeline.PreviewAsync(runner, asked, ResourceMap.Empty, CancellationToken.None);

        Assert.Equal(Outcome.RequireApproval, previewed.Decision.Outcome);
        var document = DecisionDocumentJson.Read(DecisionDocument.Of(previewed, "act_test").ToJson())!;
        var preview = Assert.Single(document.Previews);
        Assert.Equal(2, preview.Count);
        Assert.Equal("commits", preview.Unit);
        Assert.Equal([$"{linus} Linus Torvalds: fix the parser", $"{grace} Grace Hopper: add the parser"], preview.Items.Select(i => i.Text));
        Assert.StartsWith("force push loses 2 commits on origin/main", preview.Headline, StringComparison.Ordinal);
    }
}
