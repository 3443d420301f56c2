using System.Diagnostics;
using System.Globalization;
using System.Text;
using Interlock.Knowledge;
using Interlock.Knowledge.Packs;

namespace Interlock.Bench;

/// <summary>
/// How soon a fresh process has its knowledge, and how fast user packs parse. Each sample is a new process (the cost a
/// hook pays once per tool call), timing the first touch of <see cref="CommandKnowledge.Default"/> — the built-in packs
/// compiled in at build time — against parsing the same packs' YAML with <see cref="KnowledgePackLoader"/>, which is
/// what a process would pay without the generator. Then user packs: a generated pack of 1,000 rows parsed cold (first
/// load in a process) and warm. Publish ReadyToRun, as the CLI is, so the numbers are the CLI's:
/// <c>dotnet publish bench/Interlock.Bench -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/bench-r2r</c>.
/// </summary>
public static class PackStartup
{
    public static int Run(string[] args)
    {
        var processes = 40;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--processes" && i + 1 < args.Length) processes = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: packs [--processes N]");
                return 2;
            }
        }
        var root = Corpus.FindRepoRoot();
        var self = typeof(PackStartup).Assembly.Location;
        var builtin = new List<double>();
        var parsed = new List<double>();
        var userCold = new List<double>();
        var userWarm = new List<double>();
        var core = new List<double>();
        var rows = 0;
        for (var i = 0; i < processes; i++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { self, "packs-child", root }) psi.ArgumentList.Add(a);
            using var child = Process.Start(psi)!;
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                Console.Error.WriteLine($"child failed ({child.ExitCode}): {output}");
                return 1;
            }
            var f = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            builtin.Add(f[0]);
            parsed.Add(f[1]);
            userCold.Add(f[2]);
            userWarm.Add(f[3]);
            rows = (int)f[4];
            core.Add(f[5]);
        }
        Console.WriteLine($"packs: {processes} fresh processes, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"{"measure",-58} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  target");
        Row("first call into Interlock.Core (assembly load; not knowledge)", core, "");
        Row("then built-in knowledge ready (first lookup: wrappers, git)", builtin, "≤ 3 ms");
        Row("then the same packs parsed from YAML (no generator)", parsed, "");
        Row($"user pack of {rows} rows, cold (first load in a process)", userCold, "≤ 20 ms");
        Row($"user pack of {rows} rows, warm", userWarm, "");
        Console.WriteLine($"ratio parsed/compiled at p50: {Percentile(parsed, 50) / Percentile(builtin, 50):F1}x");
        return 0;
    }

    /// <summary>One fresh process's measurements: built-in ready, YAML parse of the built-ins, user pack cold and warm, rows.</summary>
    public static int Child(string[] args)
    {
        var root = args[0];
        var texts = Directory.GetFiles(Path.Combine(root, "src/Interlock.Core/Knowledge/Builtin"), "*.yaml").Select(File.ReadAllText).ToList();
        var user = UserPack(100, 10);
        // What any first call into Interlock.Core pays (loading the assembly, its ReadyToRun code, the runtime's first
        // uses), so that the knowledge's own time is not charged with it.
        var core = Time(() => _ = Interlock.Actions.OperationClasses.Names.Length + new Interlock.Actions.ActionRequest { Command = "git" }.Command!.Length);
        var builtin = Builtin();
        var parsed = Parse(texts);
        var cold = Time(() => Check(KnowledgePackLoader.Load(user, "user.yaml")));
        var warm = Enumerable.Range(0, 5).Select(_ => Time(() => Check(KnowledgePackLoader.Load(user, "user.yaml")))).Order().ElementAt(2);
        Console.WriteLine(string.Join(' ', new[] { builtin, parsed, cold, warm, 1000, core }.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
        return 0;

        static double Builtin() => Time(() =>
        {
            if (!CommandKnowledge.Default.TryGetProgram("git", out _)) throw new InvalidOperationException("no git in the built-in packs");
            // The analyzer asks whether each command word is a wrapper too (built-in wrappers are found by a name switch).
            if (CommandKnowledge.Default.TryGetWrapper("git", out _)) throw new InvalidOperationException("git taken for a wrapper");
        });

        static double Parse(List<string> texts) => Time(() =>
        {
            foreach (var t in texts) Check(KnowledgePackLoader.Load(t, "builtin.yaml"));
        });
    }

    private static void Check(PackLoadResult result)
    {
        if (!result.Success) throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>A pack of <paramref name="programs"/> programs with <paramref name="rowsEach"/> rows each, in the style of the built-ins.</summary>
    private static string UserPack(int programs, int rowsEach)
    {
        var w = new StringBuilder("version: 1\nprograms:\n");
        for (var p = 0; p < programs; p++)
        {
            w.Append(CultureInfo.InvariantCulture, $"  - names: [tool{p}, tool{p}ctl]\n    value_options: [-n, --namespace, -o, --output, --context]\n    rows:\n");
            for (var r = 0; r < rowsEach; r++)
            {
                var cls = (r % 3) switch { 0 => "read", 1 => "update", _ => "delete" };
                w.Append(CultureInfo.InvariantCulture,
                    $"      - {{path: \"res{r} get|res{r} list\", class: {cls}, reason: \"row {r} of tool {p}\", any_flag: \"--force|-f\", shared: true, tags: \"t{r}\"}}\n");
            }
        }
        return w.ToString();
    }

    private static void Row(string name, List<double> samples, string target) =>
        Console.WriteLine($"{name,-58} {Percentile(samples, 50),8:F3} {Percentile(samples, 99),8:F3} {samples.Max(),8:F3}  {target}");

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
