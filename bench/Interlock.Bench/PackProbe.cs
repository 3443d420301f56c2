using System.Diagnostics;
using System.Globalization;
using Interlock.Knowledge;

namespace Interlock.Bench;

/// <summary>
/// Where a fresh process's first lookup spends its time, step by step (the knowledge object, the wrapper name switch, the name switch,
/// building <c>git</c>, its path index): each step is timed on first touch, in a new process per sample.
/// </summary>
public static class PackProbe
{
    private static readonly string[] Steps = ["core", "bcl", "default", "wrapper?", "indexof", "build", "pathindex", "second(curl)"];

    public static int Run(string[] args)
    {
        var processes = args.Length > 1 && args[0] == "--processes" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var samples = Steps.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < processes; i++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(typeof(PackProbe).Assembly.Location);
            psi.ArgumentList.Add("probe-child");
            using var child = Process.Start(psi)!;
            var f = child.StandardOutput.ReadToEnd().Trim().Split(' ');
            child.WaitForExit();
            for (var s = 0; s < Steps.Length; s++) samples[s].Add(double.Parse(f[s], CultureInfo.InvariantCulture));
        }
        Console.WriteLine($"probe: {processes} processes, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        for (var s = 0; s < Steps.Length; s++)
            Console.WriteLine($"{Steps[s],-14} p50 {Median(samples[s]),7:F3} ms");
        return 0;
    }

    public static int Child()
    {
        var t = new double[Steps.Length];
        t[0] = Time(() => _ = Interlock.Actions.OperationClasses.Names.Length + new Interlock.Actions.ActionRequest { Command = "git" }.Command!.Length);
        // The library code any decision uses anyway (sets, splits, dictionaries, LINQ), first touched here when asked.
        t[1] = Environment.GetEnvironmentVariable("PROBE_BCL") == "1" ? Time(() =>
        {
            var words = "a b c".Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var set = new HashSet<string>(words, StringComparer.Ordinal);
            var map = new Dictionary<string, object>(StringComparer.Ordinal) { ["a"] = set };
            _ = ("x|y".Split('|').Select(a => a.Split(' ')).ToArray().Length + map.Count);
            if (Environment.GetEnvironmentVariable("PROBE_UTF8") == "1") _ = System.Text.Encoding.UTF8.GetString("a-b c"u8).Length;
            if (Environment.GetEnvironmentVariable("PROBE_INDEXOF") == "1") _ = "a-b\u001Fc"u8.IndexOf((byte)31);
        }) : 0;
        // Experiments, asked for by name: which first-use cost a step is made of.
        var exp = Environment.GetEnvironmentVariable("PROBE_EXP") ?? "";
        if (exp.Contains("miss")) Time(() => _ = BuiltinPacks.IndexOf("\u0001"));
        if (exp.Contains("spec")) Time(() => _ = new WrapperSpec("a b", WrapperKind.Prefix, "-x -y") { LookupOptions = "-v", OutputOptions = "-o" }.Names.Count);
        t[2] = Time(() => _ = CommandKnowledge.Default);
        // Whether the command word is a wrapper: asked of every command (a name switch; the wrapper is built on a hit).
        t[3] = Time(() => _ = CommandKnowledge.Default.TryGetWrapper("git", out _));
        var index = -1;
        t[4] = Time(() => index = BuiltinPacks.IndexOf("git"));
        ProgramSpec? spec = null;
        t[5] = Time(() => spec = BuiltinPacks.Build(index));
        t[6] = Time(() => _ = spec!.EntriesFor("status").Count);
        // A split of more than 128 separators rents from ArrayPool, whose buckets are thread-static.
        if (exp.Contains("pool")) Console.Error.WriteLine($"long split {Time(() => _ = string.Join(' ', Enumerable.Repeat("a", 200)).Split(' ').Length):F3} ms");
        if (exp.Contains("sleep")) Thread.Sleep(100);
        if (exp.Contains("split")) Console.Error.WriteLine($"curl lookup only {Time(() => _ = CommandKnowledge.Default.TryGetProgram("curl", out _)):F3} ms");
        t[7] = Time(() => _ = CommandKnowledge.Default.TryGetProgram("curl", out var c) && c.EntriesFor(null).Count >= 0);
        Console.WriteLine(string.Join(' ', t.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
        return 0;
    }

    private static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);

    private static int _assemblies = AppDomain.CurrentDomain.GetAssemblies().Length;

    private static double Time(Action action)
    {
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        var gcs = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        action();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTime;
        gcs = GC.CollectionCount(0) - gcs;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        // Which assemblies a step loaded: each is a file opened and mapped, a large part of a first touch.
        var loaded = AppDomain.CurrentDomain.GetAssemblies();
        if (Environment.GetEnvironmentVariable("PROBE_ASSEMBLIES") == "1")
            Console.Error.WriteLine($"{ms:F3} ms, jit {jitted} ({jitTime.TotalMilliseconds:F1} ms), gc {gcs}, {allocated / 1024} KB, +{string.Join(' ', loaded.Skip(_assemblies).Select(a => a.GetName().Name))}");
        _assemblies = loaded.Length;
        return ms;
    }
}
