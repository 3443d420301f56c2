using System.CommandLine;
using Interlock.Policy;
using Interlock.Server.Policies;

namespace Interlock.Cli.Policies;

/// <summary><c>interlock policy lint|test</c>: tools for policy authors.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var cmd = new Command("policy", "Tools for policy authors: lint policies, run policy test files.")
        {
            CreateLint(),
            CreateTest(),
        };
        return cmd;
    }

    private static Command CreateLint()
    {
        var strict = new Option<bool>("--strict") { Description = "Exit 1 on warnings too." };
        var files = new Argument<string[]>("files") { Description = "Policy files (*.test.yaml files are checked as test files).", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("lint", "Find rules that are shadowed, can never match or are overruled by built-in rules; exit 1 on errors.")
        {
            strict, files,
        };
        cmd.SetAction(parse => Lint(parse.GetValue(files) ?? [], parse.GetValue(strict), Console.Out));
        return cmd;
    }

    private static Command CreateTest()
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file to test against, instead of each test file's 'policy:'." };
        var files = new Argument<string[]>("files") { Description = "Policy test files (YAML).", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("test", "Run policy test files: each case's action must get the expected decision; exit 1 on any failure.")
        {
            policy, files,
        };
        cmd.SetAction(parse => Test(parse.GetValue(files) ?? [], parse.GetValue(policy), Console.Out));
        return cmd;
    }

    internal static bool IsTestFile(string path) =>
        path.EndsWith(".test.yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase);

    internal static int Lint(IReadOnlyList<string> files, bool strict, TextWriter output)
    {
        var findings = new List<LintFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(LintFinding f)
        {
            // A file included by several linted files is reported once.
            if (seen.Add(f.ToString())) findings.Add(f);
        }
        foreach (var path in files)
        {
            if (IsTestFile(path))
            {
                var text = PolicySource.ReadOrNull(path);
                if (text is null)
                {
                    Add(new LintFinding(LintFinding.Error, path, 1, 1, PolicyLinter.LoadError, "cannot read the file"));
                    continue;
                }
                foreach (var e in PolicyTestSuite.Parse(text, path).Errors) Add(LoadError(e));
                continue;
            }
            var result = PolicyStackLoader.Load(path, PolicySource.ReadOrNull, PolicySource.PackFilesOrNull);
            if (!result.Success)
            {
                foreach (var e in result.Errors) Add(LoadError(e));
                continue;
            }
            foreach (var f in PolicyLinter.Lint(result.Stack)) Add(f);
        }
        foreach (var f in findings) output.WriteLine(f.ToString());
        var errors = findings.Count(f => f.Severity == LintFinding.Error);
        var warnings = findings.Count - errors;
        output.WriteLine($"{errors} error(s), {warnings} warning(s)");
        return errors > 0 || (strict && warnings > 0) ? 1 : 0;
    }

    private static LintFinding LoadError(PolicyError e) => new(LintFinding.Error, e.File, e.Line, e.Column, PolicyLinter.LoadError, e.Message);

    internal static int Test(IReadOnlyList<string> files, string? policyOverride, TextWriter output)
    {
        int passed = 0, failed = 0;
        var broken = false;
        PolicyStack? overrideStack = null;
        if (policyOverride is not null)
        {
            overrideStack = LoadStack(policyOverride, output);
            if (overrideStack is null)
            {
                output.WriteLine("0 passed, 0 failed");
                return 1;
            }
        }
        foreach (var path in files)
        {
            var text = PolicySource.ReadOrNull(path);
            if (text is null)
            {
                output.WriteLine($"{path}:1:1: error: cannot read the test file");
                broken = true;
                continue;
            }
            var suite = PolicyTestSuite.Parse(text, path);
            if (!suite.Success)
            {
                foreach (var e in suite.Errors) output.WriteLine($"{e.File}:{e.Line}:{e.Column}: error: {e.Message}");
                broken = true;
                continue;
            }
            var stack = overrideStack;
            if (stack is null)
            {
                if (suite.PolicyPath is not { } policyPath)
                {
                    output.WriteLine($"{path}:1:1: error: the test file names no 'policy:' and no --policy was given");
                    broken = true;
                    continue;
                }
                stack = LoadStack(policyPath, output);
                if (stack is null)
                {
                    broken = true;
                    continue;
                }
            }
            foreach (var r in PolicyTestSuite.Run(suite.Cases, stack))
            {
                if (r.Passed)
                {
                    passed++;
                    output.WriteLine($"PASS {r.Case.Name}");
                }
                else
                {
                    failed++;
                    output.WriteLine($"FAIL {r.Case.Name}: {r.Message} ({path}:{r.Case.Line})");
                }
            }
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed > 0 || broken ? 1 : 0;
    }

    private static PolicyStack? LoadStack(string path, TextWriter output)
    {
        var result = PolicyStackLoader.Load(path, PolicySource.ReadOrNull, PolicySource.PackFilesOrNull);
        if (result.Success) return result.Stack;
        foreach (var e in result.Errors) output.WriteLine($"{e.File}:{e.Line}:{e.Column}: error: {e.Message}");
        return null;
    }
}
