using Interlock.Actions;
using Interlock.Policy;

namespace Interlock.Core.Tests.Analysis;

/// <summary>The default policy, a shared evaluator and helpers to evaluate shell commands the way the check CLI does.</summary>
internal static class AnalysisKit
{
    public const string Workspace = "/home/dev/project";
    public const string Home = "/home/dev";

    private static readonly Lazy<string> RepoRootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("could not find the folder holding Interlock.slnx above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<CompiledPolicy> DefaultPolicyLazy = new(() =>
    {
        var path = Path.Combine(RepoRootLazy.Value, "policies", "default.yaml");
        var result = PolicyLoader.Load(File.ReadAllText(path), path);
        if (!result.Success) throw new InvalidOperationException("default policy failed to load: " + string.Join("; ", result.Errors));
        return result.Policy;
    });

    private static readonly Lazy<ActionEvaluator> EvaluatorLazy = new(() => new ActionEvaluator(DefaultPolicyLazy.Value));

    public static string RepoRoot => RepoRootLazy.Value;

    public static CompiledPolicy DefaultPolicy => DefaultPolicyLazy.Value;

    public static ActionEvaluator Evaluator => EvaluatorLazy.Value;

    public static Evaluation Evaluate(string command, string cwd = Workspace, string home = Home) =>
        Evaluator.Evaluate(new ActionRequest { Source = ActionSource.Shell, Command = command, Cwd = cwd, Home = home });

    public static string Outcome(this Evaluation e) => e.Decision.Outcome.WireName();

    public static IEnumerable<string> Classes(this Evaluation e) => e.Facts.Operations.Select(o => o.Class.WireName());

    /// <summary>A one-line account of what the evaluator decided, for assertion messages.</summary>
    public static string Describe(this Evaluation e) =>
        $"{e.Outcome()} tier={e.Decision.Tier} ops=[{string.Join("; ", e.Facts.Operations.Select(o => $"{o.Program} {o.Verb} {o.Class.WireName()} {string.Join(",", o.Targets.Select(Interlock.Shell.ShellArg.DisplayText))} tags={string.Join(",", o.Tags)} env={o.Environment}"))}] "
        + $"gaps=[{string.Join("; ", e.Facts.Gaps.Select(g => g.Kind + ": " + g.Detail))}]";

    public static Operation Op(this Evaluation e, OperationClass cls) =>
        e.Facts.Operations.FirstOrDefault(o => o.Class == cls) ?? throw new Xunit.Sdk.XunitException($"no {cls.WireName()} operation: {e.Describe()}");

    public static void AssertOutcome(this Evaluation e, Outcome expected) =>
        Assert.True(e.Decision.Outcome == expected, $"expected {expected.WireName()}, got {e.Describe()}");

    public static void AssertHasClass(this Evaluation e, OperationClass cls) =>
        Assert.True(e.Facts.Operations.Any(o => o.Class == cls), $"expected a {cls.WireName()} operation, got {e.Describe()}");

    public static void AssertNoClass(this Evaluation e, OperationClass cls) =>
        Assert.False(e.Facts.Operations.Any(o => o.Class == cls), $"expected no {cls.WireName()} operation, got {e.Describe()}");

    public static void AssertNoGaps(this Evaluation e) =>
        Assert.True(e.Facts.Gaps.Count == 0, $"expected no gaps, got {e.Describe()}");

    public static void AssertGap(this Evaluation e, string kind) =>
        Assert.True(e.Facts.Gaps.Any(g => g.Kind == kind), $"expected a '{kind}' gap, got {e.Describe()}");
}
