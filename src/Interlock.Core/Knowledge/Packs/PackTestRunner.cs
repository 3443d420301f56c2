using Interlock.Actions;

namespace Interlock.Knowledge.Packs;

/// <summary>Runs packs' own tests: each command must get its decision and, when named, an operation of its class.</summary>
public static class PackTestRunner
{
    /// <summary>The default workspace and home a test runs in unless it names a <c>cwd</c>.</summary>
    public const string Workspace = "/home/dev/project";
    public const string Home = "/home/dev";

    /// <summary>Every failed test, at its place in its pack; empty when all pass.</summary>
    public static IReadOnlyList<PackError> Run(IEnumerable<KnowledgePack> packs, ActionEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(packs);
        ArgumentNullException.ThrowIfNull(evaluator);
        var failures = new List<PackError>();
        foreach (var pack in packs)
        {
            foreach (var test in pack.Tests)
            {
                var e = evaluator.Evaluate(new ActionRequest { Command = test.Command, Cwd = test.Cwd ?? Workspace, Home = Home });
                e.Lease?.Dispose();
                if (test.Decision is { } expected && e.Decision.Outcome != expected)
                    failures.Add(new PackError(pack.File, test.Line, test.Column,
                        $"'{test.Command}' got {e.Decision.Outcome.WireName()}, expected {expected.WireName()}: {string.Join("; ", e.Decision.Reasons.Take(3))}"));
                if (test.Class is { } cls && !e.Facts.Operations.Any(o => o.Class == cls))
                    failures.Add(new PackError(pack.File, test.Line, test.Column,
                        $"'{test.Command}' has no {cls.WireName()} operation; found {(e.Facts.Operations.Count == 0 ? "none" : string.Join(", ", e.Facts.Operations.Select(o => o.Class.WireName()).Distinct()))}"));
            }
        }
        return failures;
    }
}
