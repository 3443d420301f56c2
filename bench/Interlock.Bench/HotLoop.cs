using System.Diagnostics;
using System.Globalization;
using Interlock.Actions;
using Interlock.Policy;

namespace Interlock.Bench;

/// <summary>
/// Evaluates a few corpus commands (by id) against the generated 500-rule policy in a loop, for a profiler
/// (<c>DOTNET_PerfMapEnabled=1 perf record</c>), and prints each command's median time and allocation.
/// </summary>
public static class HotLoop
{
    /// <summary>The inline-code scanner alone on one snippet, median of many calls (thread CPU noise aside).</summary>
    public static int Scan(string[] args)
    {
        var code = args[0];
        var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        for (var i = 0; i < n; i++) _ = Interlock.Knowledge.Statements.InlineCodeScanner.Scan(code);
        var samples = new long[n];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            _ = Interlock.Knowledge.Statements.InlineCodeScanner.Scan(code);
            samples[i] = Stopwatch.GetTimestamp() - start;
        }
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Array.Sort(samples);
        Console.WriteLine($"{samples[n / 2] * 1e6 / Stopwatch.Frequency,8:F3} µs p50 {bytes,6} B  {code}");
        return 0;
    }

    public static int Run(string[] args)
    {
        var ids = args.Length > 0 ? args[0].Split(',') : [];
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = Corpus.FindRepoRoot();
        var entries = Corpus.Load(root).Where(e => ids.Contains(e.Id)).ToArray();
        var eval = new ActionEvaluator(PolicyGenerator.LoadOrThrow(PolicyGenerator.Generate(500), "generated-500.yaml"));
        var requests = entries.Select(e => Corpus.Request(e.Command, e.Cwd)).ToArray();
        var samples = entries.Select(_ => new List<long>()).ToArray();
        var bytes = new long[entries.Length];
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < requests.Length; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                _ = eval.Evaluate(requests[i]);
                samples[i].Add(Stopwatch.GetTimestamp() - start);
                bytes[i] = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }
        for (var i = 0; i < entries.Length; i++)
        {
            var s = samples[i].Skip(samples[i].Count / 2).Order().ToList();
            Console.WriteLine($"{s[s.Count / 2] * 1e6 / Stopwatch.Frequency,8:F2} µs {bytes[i],7} B  {entries[i].Id,-8} {entries[i].Command}");
        }
        return 0;
    }
}
