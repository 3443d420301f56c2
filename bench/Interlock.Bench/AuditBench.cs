using System.Diagnostics;
using System.Globalization;
using Interlock.Audit;
using Interlock.Storage.Sqlite;

namespace Interlock.Bench;

/// <summary>
/// Appends to a temporary SQLite audit store (WAL, synchronous=FULL: every acknowledged append is fsync'd) with 1, 8
/// and 32 concurrent writers, each awaiting its append before the next, and prints records/s and append latency.
/// </summary>
public static class AuditBench
{
    public static int Run(string[] args)
    {
        var seconds = 5.0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine("usage: Interlock.Bench audit [--seconds S]");
                return 2;
            }
        }
        var dir = Path.Combine(Path.GetTempPath(), "interlock-audit-bench-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine("Interlock audit append benchmark (SQLite WAL, synchronous=FULL, group commit)");
        Console.WriteLine($"runtime        .NET {Environment.Version} {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {Environment.ProcessorCount} processors");
        Console.WriteLine($"SQLite         {SqliteAuditStore.SqliteVersion()}; store in {Path.GetTempPath()}; {seconds:F0} s per writer count after 1 s warm-up");
        Console.WriteLine($"payload        a decision-sized note (~600 bytes); checkpoint every 1000 records");
        Console.WriteLine();
        Console.WriteLine($"{"writers",8} {"records",9} {"records/s",10} {"commits",8} {"per commit",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8}");
        try
        {
            foreach (var writers in new[] { 1, 8, 32 })
            {
                var sub = Path.Combine(dir, writers.ToString(CultureInfo.InvariantCulture));
                RunOne(sub, writers, seconds).GetAwaiter().GetResult();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    private static async Task RunOne(string dir, int writers, double seconds)
    {
        var text = string.Concat(Enumerable.Repeat("git push --force origin main denied by rule no-force-push; ", 10));
        var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = dir, CheckpointEveryRecords = 1000 });
        await using (store.ConfigureAwait(false))
        {
            // Warm-up.
            await Drive(store, writers, TimeSpan.FromSeconds(1), text, null);
            var commits0 = store.Commits;
            var samples = new List<long>[writers];
            for (var i = 0; i < writers; i++) samples[i] = new List<long>(100_000);
            var wall = Stopwatch.StartNew();
            await Drive(store, writers, TimeSpan.FromSeconds(seconds), text, samples);
            var elapsed = wall.Elapsed.TotalSeconds;
            var commits = store.Commits - commits0;
            var all = samples.SelectMany(s => s).ToArray();
            Array.Sort(all);
            double P(double q) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
            Console.WriteLine($"{writers,8} {all.Length,9} {all.Length / elapsed,10:F0} {commits,8} {all.Length / (double)Math.Max(1, commits),10:F1} {P(0.5),8:F2} {P(0.9),8:F2} {P(0.99),8:F2} {P(1),8:F2}");
        }
        var v = SqliteAuditStore.Verify(dir);
        if (!v.Ok) throw new InvalidOperationException("benchmark chain does not verify: " + v.Problem);
    }

    private static async Task Drive(SqliteAuditStore store, int writers, TimeSpan duration, string text, List<long>[]? samples)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var t0 = Stopwatch.GetTimestamp();
                await store.AppendAsync(AuditEntry.Note(text, agent: $"agent-{w}", session: "bench", actionId: $"{w}-{n++}")).ConfigureAwait(false);
                samples?[w].Add(Stopwatch.GetTimestamp() - t0);
            }
        })).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
