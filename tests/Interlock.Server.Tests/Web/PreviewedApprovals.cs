using Interlock.Actions;
using Interlock.Pipeline;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Server.Tests.Web;

/// <summary>
/// Pending approvals that carry previews, made through the server's own stores: Core's pipeline with the gateway's
/// evaluator, approval service (gate) and audit store, and a previewer that returns a preview built here (the real git
/// previewer is written elsewhere; this one stands in for it with the same contract).
/// </summary>
internal static class PreviewedApprovals
{
    public const string ForcePush = "git push --force-with-lease origin feature/login";

    /// <summary>Every git command is reviewed, so a lease-protected force push (allowed by the default policy) reaches a person.</summary>
    private const string Policy = """
        version: v1
        default: require_approval
        rules:
          - id: reviewed-pushes
            match:
              programs: [git]
            decision: require_approval
            reason: "pushes to the shared remote are reviewed by a person"
        """;

    public static readonly PreviewItem[] LostCommits =
    [
        new("commit", "3f9c2ab Ada Lovelace: parse quoted refspecs", "only on origin/feature/login"),
        new("commit", "b71e004 Grace Hopper: retry the push on a stale lease", "only on origin/feature/login"),
        new("commit", "9d0a5e1 Ada Lovelace: add the login form", "only on origin/feature/login"),
    ];

    public static Preview ForcePushPreview { get; } = new()
    {
        Previewer = "git", Headline = "force push loses 3 commits on origin/feature/login", Count = 3, Unit = "commits",
        Reversibility = Reversibility.Irreversible, Items = LostCommits,
    };

    /// <summary>A gateway whose policy sends git commands to review.</summary>
    public static async Task<GatewayFixture> StartAsync()
    {
        // The policy lives in the data directory, which the fixture removes.
        var dir = Path.Combine(Path.GetTempPath(), "interlock-gw-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var policy = Path.Combine(dir, "policy.yaml");
        await File.WriteAllTextAsync(policy, Policy);
        return await GatewayFixture.StartAsync(o => o with { PolicyPath = policy }, dir);
    }

    /// <summary>Decides <paramref name="command"/> for <paramref name="agent"/> with the previews given; returns the reply (its approval pending).</summary>
    public static async Task<DecisionReply> RequestAsync(GatewayFixture gw, string agent, string command, params Preview[] previews)
    {
        var s = gw.Host.Services;
        var pipeline = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => s.Policy.Evaluator,
            Gate = s.Approvals,
            Recorder = s.Audit,
            Previews = new PreviewRunner([.. previews.Select(p => new FixedPreviewer(p))], TimeProvider.System),
        });
        var reply = await pipeline.DecideAsync(new ActionRequest { Agent = agent, Command = command, Cwd = "/home/dev/app" }, null, CancellationToken.None);
        Assert.True(reply.Approval is not null, $"no approval for {command}: {reply.Decision.Outcome} {string.Join("; ", reply.Decision.Reasons)}");
        return reply;
    }

    private sealed class FixedPreviewer(Preview preview) : IPreviewer
    {
        public string Name => preview.Previewer;

        public Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken) => Task.FromResult<Preview?>(preview);
    }
}
