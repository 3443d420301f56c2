using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;

namespace Interlock.Core.Tests.Pipeline;

/// <summary>Every action source goes through the same job/topic rule and the caller-risk floor.</summary>
public sealed class SourceGuardTests
{
    public static TheoryData<ActionSource> Sources() => [ActionSource.Shell, ActionSource.File, ActionSource.Mcp, ActionSource.Http, ActionSource.Job];

    [Theory]
    [MemberData(nameof(Sources))]
    public void ATopicOnlyActionNeedsARuleOrAHumanWhateverItsSource(ActionSource source)
    {
        // {"source":"http","topic":"job.prod.destroy","risk_tags":["destructive"]} was allowed as read-only.
        var e = Repository.DefaultEvaluator.Evaluate(new ActionRequest { Source = source, Topic = "job.prod.destroy", RiskTags = ["destructive"] });
        Assert.True(e.Decision.Outcome >= Outcome.RequireApproval, $"{source}: {e.Decision.Outcome.WireName()} {string.Join("; ", e.Decision.Reasons)}");
        var plain = Repository.DefaultEvaluator.Evaluate(new ActionRequest { Source = source, Topic = "job.nightly.report" });
        Assert.True(plain.Decision.Outcome >= Outcome.RequireApproval, $"{source}: {plain.Decision.Outcome.WireName()}");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void ACallerMarkedDestructiveActionNeedsApproval(ActionSource source)
    {
        var request = source switch
        {
            ActionSource.Shell => new ActionRequest { Source = source, Command = "ls", Cwd = Repository.Workspace, Home = Repository.Home },
            ActionSource.File => new ActionRequest { Source = source, Tool = "Read", Path = "README.md", Cwd = Repository.Workspace, Home = Repository.Home },
            ActionSource.Mcp => new ActionRequest { Source = source, Tool = "mcp__fs__read_file", Arguments = System.Text.Json.JsonDocument.Parse("""{"path":"README.md"}""").RootElement.Clone(), Cwd = Repository.Workspace, Home = Repository.Home },
            _ => new ActionRequest { Source = source, Command = "ls", Cwd = Repository.Workspace, Home = Repository.Home },
        };
        Assert.Equal(Outcome.Allow, Repository.DefaultEvaluator.Evaluate(request).Decision.Outcome);
        var tagged = Repository.DefaultEvaluator.Evaluate(request with { RiskTags = ["destructive"] });
        Assert.Equal(Outcome.RequireApproval, tagged.Decision.Outcome);
        Assert.Contains(ActionEvaluator.CallerRiskRule, tagged.Decision.Rules);
    }
}
