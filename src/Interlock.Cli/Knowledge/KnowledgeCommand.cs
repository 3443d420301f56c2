using System.CommandLine;
using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Packs;
using Interlock.Policy;
using Interlock.Server.Policies;

namespace Interlock.Cli.Knowledge;

/// <summary><c>interlock knowledge list|show|lint</c>: what Interlock knows about programs, and checking packs that add to it.</summary>
internal static class KnowledgeCommand
{
    public static Command Create() => new("knowledge", "What Interlock knows programs do: list them, show one as a pack, lint and test packs.")
    {
        CreateList(),
        CreateShow(),
        CreateLint(),
    };

    private static Option<string?> PolicyOption() => new("--policy") { Description = "Include the knowledge packs this policy names (knowledge:). Default: the built-in knowledge only." };

    private static Command CreateList()
    {
        var policy = PolicyOption();
        var cmd = new Command("list", "Every known program, with its number of rows.") { policy };
        cmd.SetAction(parse =>
        {
            if (Knowledge(parse.GetValue(policy)) is not { } knowledge) return 1;
            foreach (var spec in knowledge.Programs.OrderBy(p => p.Names[0], StringComparer.Ordinal))
                Console.Out.WriteLine($"{string.Join(' ', spec.Names)}\t{spec.Rows.Count} row{(spec.Rows.Count == 1 ? "" : "s")}");
            return 0;
        });
        return cmd;
    }

    private static Command CreateShow()
    {
        var policy = PolicyOption();
        var program = new Argument<string>("program") { Description = "The program's name." };
        var cmd = new Command("show", "A program's knowledge in the pack format (copy it into a pack to change it).") { policy, program };
        cmd.SetAction(parse =>
        {
            if (Knowledge(parse.GetValue(policy)) is not { } knowledge) return 1;
            var name = parse.GetValue(program)!;
            if (!knowledge.TryGetProgram(name, out var spec))
            {
                Console.Error.WriteLine(knowledge.TryGetWrapper(name, out _)
                    ? $"interlock: '{name}' is a wrapper (it runs the command after it); wrappers are built in"
                    : $"interlock: no knowledge of '{name}': a command running it needs approval until a pack describes it");
                return 1;
            }
            Console.Out.Write(KnowledgePackWriter.Write([spec]));
            return 0;
        });
        return cmd;
    }

    private static Command CreateLint()
    {
        var paths = new Argument<string[]>("paths") { Description = "Pack files or directories of packs (*.yaml, *.yml).", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("lint", "Check packs (schema, file:line:col errors) and run their tests against the default policy; exit 1 on any error or failure.") { paths };
        cmd.SetAction(parse => Lint(parse.GetValue(paths) ?? [], Console.Out, Console.Error));
        return cmd;
    }

    internal static int Lint(IReadOnlyList<string> paths, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                if (PolicySource.PackFilesOrNull(path) is { } listed) files.AddRange(listed);
                else { stderr.WriteLine($"interlock: cannot list '{path}'"); return 1; }
            }
            else files.Add(path);
        }
        var packs = new List<KnowledgePack>();
        var errors = new List<string>();
        foreach (var file in files)
        {
            if (PolicySource.ReadOrNull(file) is not { } text)
            {
                errors.Add($"{file}:1:1: cannot read the knowledge pack");
                continue;
            }
            var result = KnowledgePackLoader.Load(text, file);
            if (result.Success) packs.Add(result.Pack);
            else errors.AddRange(result.Errors.Select(e => e.ToString()));
        }
        if (errors.Count == 0)
        {
            try
            {
                var basePolicy = PolicySource.Load(null, stderr)!;
                var evaluator = new ActionEvaluator(new PolicyStack(basePolicy.Layers, packs), time: TimeProvider.System);
                errors.AddRange(PackTestRunner.Run(packs, evaluator).Select(f => f.ToString()));
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }
        foreach (var e in errors) TerminalText.WriteLine(stdout, e, prefix: "");
        var tests = packs.Sum(p => p.Tests.Count);
        stdout.WriteLine(errors.Count == 0
            ? $"{files.Count} pack(s), {packs.Sum(p => p.Programs.Count)} program(s), {tests} test(s): ok"
            : $"{files.Count} pack(s): {errors.Count} error(s)");
        return errors.Count == 0 ? 0 : 1;
    }

    private static CommandKnowledge? Knowledge(string? policyPath)
    {
        if (policyPath is null) return CommandKnowledge.Default;
        var stack = PolicySource.Load(policyPath, Console.Error);
        return stack is null ? null : stack.Knowledge ?? CommandKnowledge.Default;
    }
}
