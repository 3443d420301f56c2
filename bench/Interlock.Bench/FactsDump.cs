using System.Globalization;
using Interlock.Actions;

namespace Interlock.Bench;

/// <summary>
/// Prints what the analyzer and the policy make of every corpus command, one stable text block each, so two builds
/// can be diffed: a performance change should leave this output byte for byte the same.
/// </summary>
public static class FactsDump
{
    public static int Run(string[] args)
    {
        string? policyFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--policy" && i + 1 < args.Length) policyFile = args[++i];
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: facts [--policy FILE]");
                return 2;
            }
        }
        var root = Corpus.FindRepoRoot();
        var policyPath = policyFile ?? Path.Combine(root, "policies", "default.yaml");
        var evaluator = new ActionEvaluator(PolicyGenerator.LoadOrThrow(File.ReadAllText(policyPath), policyPath));
        var inv = CultureInfo.InvariantCulture;
        foreach (var entry in Corpus.Load(root))
        {
            var e = evaluator.Evaluate(Corpus.Request(entry.Command, entry.Cwd));
            Console.WriteLine(string.Create(inv, $"== {entry.Id} {entry.Command.Replace("\n", "\\n", StringComparison.Ordinal)}"));
            Console.WriteLine(string.Create(inv, $"   {e.Decision.Outcome} tier={e.Risk.Tier} blast={e.Risk.BlastRadius.Level} rules=[{string.Join(",", e.Verdict.Matched.Select(m => m.RuleId))}]"));
            foreach (var op in e.Facts.Operations)
            {
                Console.WriteLine(string.Create(inv,
                    $"   op {op.Program} {op.Verb} {op.Class} env={op.Environment} reversible={op.Reversible} shared={op.SharedState} min-tier={op.MinTier} tags=[{string.Join(",", op.Tags.Order(StringComparer.Ordinal))}] targets=[{string.Join(" | ", op.Targets)}]"));
            }
            foreach (var g in e.Facts.Gaps) Console.WriteLine(string.Create(inv, $"   gap {g.Kind}: {g.Detail}"));
        }
        return 0;
    }
}
