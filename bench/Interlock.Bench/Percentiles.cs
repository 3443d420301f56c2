using System.Diagnostics;
using System.Globalization;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;
using Interlock.Shell;

namespace Interlock.Bench;

/// <summary>
/// Times each call individually over a shuffled corpus mix. Stages run interleaved in rounds, so machine noise
/// spreads over all of them and ratios between stages are measured under the same conditions.
/// </summary>
public static class Percentiles
{
    private const int Rounds = 10;

    /// <summary>Longest warm-up: past this the run goes on and says the JIT had not settled.</summary>
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(60);

    private sealed class Stage(string name, Func<int, object?> op, int n)
    {
        public string Name { get; } = name;
        public Func<int, object?> Op { get; } = op;
        public long[] Samples { get; } = new long[n];
        public int Filled { get; set; }
        public long AllocatedBytes { get; set; }
        public int Gen0 { get; set; }
        public int Gen1 { get; set; }
        public int Gen2 { get; set; }
        public double WallSeconds { get; set; }
    }

    public static int Run(string[] args)
    {
        var iterations = 200_000;
        var warmup = 20_000;
        string? policyFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--iterations" when i + 1 < args.Length:
                    iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--policy" when i + 1 < args.Length:
                    policyFile = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: percentiles [--iterations N] [--warmup N] [--policy FILE]");
                    return 2;
            }
        }
        iterations = Math.Max(Rounds, iterations / Rounds * Rounds);

        var root = Corpus.FindRepoRoot();
        var entries = Corpus.Load(root);
        var mix = Corpus.Mix(entries);
        var requests = mix.Select(e => Corpus.Request(e.Command, e.Cwd)).ToArray();

        // Policies. Any load failure is fatal (exit 1).
        var policyPath = policyFile ?? Path.Combine(root, "policies", "default.yaml");
        CompiledPolicy defaultPolicy, p10, p500, p500Simple;
        try
        {
            defaultPolicy = PolicyGenerator.LoadOrThrow(File.ReadAllText(policyPath), policyPath);
            p10 = PolicyGenerator.LoadOrThrow(PolicyGenerator.Generate(10), "generated-10.yaml");
            p500 = PolicyGenerator.LoadOrThrow(PolicyGenerator.Generate(500), "generated-500.yaml");
            p500Simple = PolicyGenerator.LoadOrThrow(PolicyGenerator.Generate(500, generalGlobs: false), "generated-500-simple-globs.yaml");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        var shell = new ShellCommandAnalyzer();
        var analyzer = new ActionAnalyzer();
        var evalDefault = new ActionEvaluator(defaultPolicy);
        var eval10 = new ActionEvaluator(p10);
        var eval500 = new ActionEvaluator(p500);

        // Facts and risk computed once, for the policy-only stages.
        var facts = requests.Select(analyzer.Analyze).ToArray();
        var risks = facts.Select(f => TierClassifier.Assess(f)).ToArray();

        var len = mix.Length;
        var per = iterations;
        var stages = new[]
        {
            new Stage("parse", i => ShellParser.Parse(mix[i % len].Command), per),
            new Stage("analyze (shell)", i => { var e = mix[i % len]; return shell.Analyze(e.Command, e.Cwd, Corpus.Home); }, per),
            new Stage("analyze+assess", i => TierClassifier.Assess(analyzer.Analyze(requests[i % len])), per),
            new Stage("policy only: default", i => defaultPolicy.Evaluate(facts[i % len], risks[i % len]), per),
            new Stage("policy only: 10 rules", i => p10.Evaluate(facts[i % len], risks[i % len]), per),
            new Stage("policy only: 500 rules", i => p500.Evaluate(facts[i % len], risks[i % len]), per),
            new Stage("policy only: 500 simple", i => p500Simple.Evaluate(facts[i % len], risks[i % len]), per),
            new Stage("evaluate: default", i => evalDefault.Evaluate(requests[i % len]), per),
            new Stage("evaluate: 10 rules", i => eval10.Evaluate(requests[i % len]), per),
            new Stage("evaluate: 500 rules", i => eval500.Evaluate(requests[i % len]), per),
        };

        PrintHeader(root, policyPath, entries, len, iterations, warmup, defaultPolicy, p10, p500);

        // Warm-up: passes over every stage until the JIT has settled. Tiered compilation promotes methods in the
        // background (tier 0, instrumented, then optimized), so a fixed count can end with some code still unoptimized,
        // and the first rounds would time the compiler rather than a running gateway. Settled: two whole passes in a
        // row in which no method was compiled.
        var wall = Stopwatch.StartNew();
        int passes = 0, quiet = 0;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quiet < 2 && wall.Elapsed < MaxWarmup)
        {
            foreach (var s in stages)
            {
                for (var i = 0; i < warmup; i++) Sink(s.Op(i));
            }
            passes++;
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
        Console.WriteLine($"warm-up done in {wall.Elapsed.TotalSeconds:F1} s: {passes} passes of {warmup} calls per stage, {(quiet >= 2 ? "the last two compiled no method" : "stopped at the time limit with the JIT still compiling")}");

        var overhead = TimerOverhead();
        var chunk = iterations / Rounds;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var s in stages) Measure(s, round * chunk, chunk);
        }
        Console.WriteLine($"measured in {wall.Elapsed.TotalSeconds:F1} s total; timestamp pair overhead ≈ {Us(overhead):F3} µs (not subtracted)");
        Console.WriteLine();

        Console.WriteLine($"{"stage",-24} {"count",8} {"mean",8} {"p50",8} {"p90",8} {"p99",8} {"p99.9",8} {"max",9} {"B/op",8} {"gen0",5} {"gen1",5} {"gen2",5}");
        Console.WriteLine(new string('-', 120));
        var stats = new Dictionary<string, (double P50, double P99)>();
        var commandP99 = new Dictionary<string, double>();
        foreach (var s in stages)
        {
            var sorted = s.Samples.ToArray();
            Array.Sort(sorted);
            var mean = Us(s.Samples.Average());
            double P(double q) => Us(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);
            stats[s.Name] = (P(0.50), P(0.99));
            commandP99[s.Name] = CommandMedianP99(s, len);
            Console.WriteLine(
                $"{s.Name,-24} {sorted.Length,8} {mean,8:F2} {P(0.50),8:F2} {P(0.90),8:F2} {P(0.99),8:F2} {P(0.999),8:F2} {Us(sorted[^1]),9:F1} {s.AllocatedBytes / (double)sorted.Length,8:F0} {s.Gen0,5} {s.Gen1,5} {s.Gen2,5}");
        }
        Console.WriteLine("(times in µs per call; B/op = bytes allocated per call on this thread)");
        Console.WriteLine();

        PerCategory(stages.Single(s => s.Name == "evaluate: default"), mix, len);
        Slowest(stages.Single(s => s.Name == "parse"), mix, len, 5);
        Slowest(stages.Single(s => s.Name == "analyze (shell)"), mix, len, 12);
        Slowest(stages.Single(s => s.Name == "evaluate: default"), mix, len, 12);
        Slowest(stages.Single(s => s.Name == "policy only: 500 rules"), mix, len, 8);

        const double Target = 20.0;
        var d = stats["evaluate: default"];
        var r10 = stats["evaluate: 10 rules"];
        var r500 = stats["evaluate: 500 rules"];
        var pol10 = stats["policy only: 10 rules"];
        var pol500 = stats["policy only: 500 rules"];
        Console.WriteLine("SUMMARY");
        Console.WriteLine($"{"measure",-44} {"p50 µs",9} {"p99 µs",9} {"target",8} {"met",5} {"cmd-p99",9}");
        Console.WriteLine(new string('-', 90));
        Row("parse only", "parse", null);
        Row("analyze only (ShellCommandAnalyzer)", "analyze (shell)", null);
        Row("evaluate, default policy (analyze+decide)", "evaluate: default", Target);
        Row("evaluate, 10-rule policy", "evaluate: 10 rules", null);
        Row("evaluate, 500-rule policy", "evaluate: 500 rules", Target);
        Row("policy only, 10 rules", "policy only: 10 rules", null);
        Row("policy only, 500 rules", "policy only: 500 rules", null);
        Row("policy only, 500 rules, prefix/suffix globs", "policy only: 500 simple", null);
        Console.WriteLine("(cmd-p99: the p99 when every call takes its command's own median time: the mix's tail without the machine's noise)");
        Console.WriteLine($"{"ratio evaluate 500/10",-44} {r500.P50 / r10.P50,9:F2} {r500.P99 / r10.P99,9:F2}");
        Console.WriteLine($"{"ratio policy-only 500/10",-44} {pol500.P50 / pol10.P50,9:F2} {pol500.P99 / pol10.P99,9:F2}");
        return 0;

        void Row(string name, string stage, double? target)
        {
            var v = stats[stage];
            Console.WriteLine($"{name,-44} {v.P50,9:F2} {v.P99,9:F2} {(target is { } t ? $"≤{t:F0}" : ""),8} {(target is { } t2 ? (v.P99 <= t2 ? "yes" : "NO") : ""),5} {commandP99[stage],9:F2}");
        }
    }

    private static void Measure(Stage s, int start, int count)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var g0 = GC.CollectionCount(0);
        var g1 = GC.CollectionCount(1);
        var g2 = GC.CollectionCount(2);
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var wallStart = Stopwatch.GetTimestamp();
        var samples = s.Samples;
        var op = s.Op;
        var filled = s.Filled;
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var result = op(start + i);
            var t1 = Stopwatch.GetTimestamp();
            samples[filled + i] = t1 - t0;
            Sink(result);
        }
        s.Filled = filled + count;
        s.WallSeconds += Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        s.AllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - bytes;
        s.Gen0 += GC.CollectionCount(0) - g0;
        s.Gen1 += GC.CollectionCount(1) - g1;
        s.Gen2 += GC.CollectionCount(2) - g2;
    }

    private static object? _sink;

    private static void Sink(object? o) => Volatile.Write(ref _sink, o);

    private static double TimerOverhead()
    {
        var samples = new long[100_000];
        for (var i = 0; i < samples.Length; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            samples[i] = Stopwatch.GetTimestamp() - t0;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private static double Us(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>Sample index k of the stage was the command at mix index k % len (rounds are contiguous slices).</summary>
    private static int MixIndex(int sample, int len) => sample % len;

    private static void PerCategory(Stage s, CorpusEntry[] mix, int len)
    {
        Console.WriteLine($"{s.Name}, by corpus category");
        Console.WriteLine($"{"category",-12} {"count",8} {"p50",8} {"p90",8} {"p99",8} {"max",9}");
        foreach (var group in Enumerable.Range(0, s.Samples.Length).GroupBy(k => mix[MixIndex(k, len)].Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sorted = group.Select(k => s.Samples[k]).Order().ToArray();
            double P(double q) => Us(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);
            Console.WriteLine($"{group.Key,-12} {sorted.Length,8} {P(0.5),8:F2} {P(0.9),8:F2} {P(0.99),8:F2} {Us(sorted[^1]),9:F1}");
        }
        Console.WriteLine();
    }

    /// <summary>The p99 over all samples with each replaced by its command's median: the tail the mix itself has.</summary>
    private static double CommandMedianP99(Stage s, int len)
    {
        var medians = Enumerable.Range(0, s.Samples.Length)
            .GroupBy(k => MixIndex(k, len))
            .SelectMany(g =>
            {
                var sorted = g.Select(k => s.Samples[k]).Order().ToArray();
                return Enumerable.Repeat(sorted[sorted.Length / 2], sorted.Length);
            })
            .Order()
            .ToArray();
        return Us(medians[Math.Min(medians.Length - 1, (int)Math.Ceiling(0.99 * medians.Length) - 1)]);
    }

    private static void Slowest(Stage s, CorpusEntry[] mix, int len, int top)
    {
        Console.WriteLine($"{s.Name}: {top} slowest commands by their own median");
        var rows = Enumerable.Range(0, s.Samples.Length)
            .GroupBy(k => MixIndex(k, len))
            .Select(g =>
            {
                var sorted = g.Select(k => s.Samples[k]).Order().ToArray();
                return (Entry: mix[g.Key], P50: Us(sorted[sorted.Length / 2]), Count: sorted.Length);
            })
            .OrderByDescending(r => r.P50)
            .Take(top);
        foreach (var (entry, p50, count) in rows)
        {
            var cmd = entry.Command.Length > 90 ? entry.Command[..87] + "..." : entry.Command;
            cmd = cmd.Replace("\n", "\\n", StringComparison.Ordinal);
            Console.WriteLine($"{p50,8:F2} µs  n={count,-5} {entry.Id,-8} [{entry.Category}] len={entry.Command.Length,-4} {cmd}");
        }
        Console.WriteLine();
    }

    private static void PrintHeader(string root, string policyPath, IReadOnlyList<CorpusEntry> entries, int mixLength, int iterations, int warmup,
        CompiledPolicy d, CompiledPolicy p10, CompiledPolicy p500)
    {
        Console.WriteLine("Interlock percentile harness");
        Console.WriteLine($"repo root      {root}");
        Console.WriteLine($"runtime        .NET {Environment.Version} {System.Runtime.InteropServices.RuntimeInformation.OSDescription} {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
        Console.WriteLine($"processors     {Environment.ProcessorCount}; server GC {System.Runtime.GCSettings.IsServerGC}; timer {Stopwatch.Frequency} Hz");
#if DEBUG
        Console.WriteLine("WARNING        Debug build: run with -c Release");
#endif
        Console.WriteLine($"corpus         {entries.Count} commands ({string.Join(", ", entries.GroupBy(e => e.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}); mix of {mixLength}, fixed-seed shuffle");
        Console.WriteLine($"policies       default {policyPath} ({d.Rules.Count} rules); generated {p10.Rules.Count} rules; generated {p500.Rules.Count} rules (and a variant without general-shape globs)");
        Console.WriteLine($"iterations     {iterations} per stage, timed one by one, in {Rounds} interleaved rounds; warm-up {warmup} per stage");
        Console.WriteLine();
    }
}
