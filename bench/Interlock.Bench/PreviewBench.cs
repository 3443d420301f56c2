using System.Diagnostics;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews;

namespace Interlock.Bench;

/// <summary>
/// What a preview costs, per previewer, on fixtures built here (a git repo with a bare remote, a tree of files, a
/// terraform plan): p50, p99 and max over N runs. Previews run only for what a human is asked about, so this is
/// added to the time before an approval opens, never to the allow path (the last line checks that).
/// </summary>
internal static class PreviewBench
{
    public static int Run(string[] args)
    {
        int iterations = ArgInt(args, "--iterations", 30), files = ArgInt(args, "--files", 2000);
        var root = Directory.CreateTempSubdirectory("il-preview-bench-").FullName;
        try
        {
            var work = Fixture(root, files);
            var policy = PolicyLoader.Load(File.ReadAllText(Path.Combine(Corpus.FindRepoRoot(), "policies", "default.yaml")), "default.yaml").Policy!;
            var evaluator = new ActionEvaluator(policy);
            var runner = StandardPreviews.Create(TimeProvider.System)!;
            (string Name, string Command)[] cases =
            [
                ("git: force push (20 lost commits)", "git push --force origin main"),
                ("git: reset --hard HEAD~5", "git reset --hard HEAD~5"),
                ($"files: rm -rf data ({files:N0} files)", "rm -rf data"),
                ("terraform: apply tfplan (200 changes)", "terraform apply tfplan"),
                ("cloud: aws elasticache resize", "aws elasticache modify-replication-group --replication-group-id prod-cache --cache-node-type cache.t3.micro --apply-immediately"),
            ];
            Console.WriteLine($"preview cost over {iterations} runs each (after 3 warm-up runs), one previewer set as the gateway runs it");
            Console.WriteLine($"{"case",-44} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  headline");
            foreach (var (name, command) in cases)
            {
                var evaluation = evaluator.Evaluate(new ActionRequest { Command = command, Cwd = work, Home = "/home/dev" });
                var times = new List<double>();
                IReadOnlyList<Preview> last = [];
                for (int i = 0; i < iterations + 3; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    last = runner.RunAsync(evaluation, ResourceMap.Empty, CancellationToken.None).GetAwaiter().GetResult();
                    if (i >= 3) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                times.Sort();
                var headline = last.Count == 0 ? "(no preview)" : string.Join(" | ", last.Select(p => $"{p.Previewer}: {p.Headline}"));
                Console.WriteLine($"{name,-44} {Pct(times, 0.50),8:0.0} {Pct(times, 0.99),8:0.0} {times[^1],8:0.0}  {(headline.Length > 110 ? headline[..110] + "…" : headline)}");
            }
            // The allow path: a workspace edit and a read are decided without any preview.
            var allow = evaluator.Evaluate(new ActionRequest { Command = "sed -i s/a/b/ README.md", Cwd = work, Home = "/home/dev" });
            Console.WriteLine($"allow path: 'sed -i … README.md' is {allow.Decision.Outcome.WireName()}; the pipeline previews only require_approval (ActionPipelineTests count the calls)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static int ArgInt(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    /// <summary>A clone whose remote-tracking main has 20 commits it does not, a data tree, and a terraform plan; returns the clone.</summary>
    private static string Fixture(string root, int files)
    {
        var remote = Path.Combine(root, "remote.git");
        var other = Path.Combine(root, "other");
        var work = Path.Combine(root, "work");
        Git(root, "init", "-q", "--bare", "-b", "main", remote);
        Git(root, "clone", "-q", remote, other);
        for (int i = 0; i < 10; i++) Commit(other, $"base {i}");
        Git(other, "push", "-q", "origin", "main");
        Git(root, "clone", "-q", remote, work);
        for (int i = 0; i < 20; i++) Commit(other, $"teammate {i}");
        Git(other, "push", "-q", "origin", "main");
        Git(work, "fetch", "-q");
        Commit(work, "mine");
        var data = Path.Combine(work, "data");
        for (int i = 0; i < files; i++)
        {
            var dir = Path.Combine(data, $"d{i % 40}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"f{i}.txt"), new string('x', 100 + i % 900));
        }
        var changes = Enumerable.Range(0, 200).Select(i =>
            $$$"""{"address":"aws_instance.web[{{{i}}}]","mode":"managed","type":"aws_instance","change":{"actions":["{{{(i % 10 == 0 ? "delete" : "update")}}}"],"before":{"id":"i-{{{i}}}"} } }""");
        File.WriteAllText(Path.Combine(work, "tfplan.json"), $$"""{"format_version":"1.2","resource_changes":[{{string.Join(",", changes)}}]}""");
        return work;
    }

    private static void Commit(string repo, string subject)
    {
        File.AppendAllText(Path.Combine(repo, "log.txt"), subject + "\n");
        Git(repo, "add", "log.txt");
        Git(repo, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", subject);
    }

    private static void Git(string cwd, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }
}
