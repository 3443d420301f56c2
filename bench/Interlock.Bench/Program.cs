using BenchmarkDotNet.Running;

namespace Interlock.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 0 ? args[1..] : [];
        switch (mode)
        {
            case "percentiles":
                return Percentiles.Run(rest);
            case "audit":
                return AuditBench.Run(rest);
            case "hooks":
                return HookLatency.Run(rest);
            case "load":
                return LoadBench.Run(rest);
            case "packs":
                return PackStartup.Run(rest);
            case "packs-child":
                return PackStartup.Child(rest);
            case "probe":
                return PackProbe.Run(rest);
            case "probe-child":
                return PackProbe.Child();
            case "hot-scan":
                return HotLoop.Scan(rest);
            case "hot":
                return HotLoop.Run(rest);
            case "previews":
                return PreviewBench.Run(rest);
            case "facts":
                return FactsDump.Run(rest);
            case "bdn":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            default:
                Console.Error.WriteLine("usage: Interlock.Bench percentiles [--iterations N] [--warmup N] [--policy FILE]");
                Console.Error.WriteLine("       Interlock.Bench audit [--seconds S]");
                Console.Error.WriteLine("       Interlock.Bench hooks [--iterations N] [--warmup N]");
                Console.Error.WriteLine("       Interlock.Bench load [--clients 8,32,64] [--warmup S] [--seconds S] [--spawn] [--url URL --token AGENT_TOKEN]");
                Console.Error.WriteLine("       Interlock.Bench packs [--processes N]   (built-in knowledge ready at start; user pack parse time)");
                Console.Error.WriteLine("       Interlock.Bench previews [--iterations N] [--files N]   (what each previewer costs before an approval opens)");
                Console.Error.WriteLine("       Interlock.Bench facts [--policy FILE]   (the corpus's analysis and decisions, for diffing two builds)");
                Console.Error.WriteLine("       Interlock.Bench bdn [BenchmarkDotNet args, e.g. --filter '*' --job short]");
                return 2;
        }
    }
}
