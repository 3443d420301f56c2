using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Interlock.Core.Tests.TestSupport;
using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

/// <summary>Inputs that killed, froze or flooded the analyzer, and bounded properties that every input comes back within the analyzer's budgets.</summary>
public sealed class AnalyzerRobustnessTests
{
    private const string Cwd = Repository.Workspace;
    private const string Home = Repository.Home;

    private static readonly ShellCommandAnalyzer Analyzer = new();

    // Each row is head + unit×times + middle + closer×times (%i and %j in unit are the repetition's index and the next one):
    // a repro of tens of kilobytes stays one readable line.
    // budgetGap: the input asks for unbounded work, so a correct analyzer stops and says so; without it the row only
    // requires that analysis returns without an internal error.
    [Theory]
    // crashes before fix: stack overflow on a 1.5 MB (thread-pool) stack. Dispatch and Unwrap recurse once per wrapper with no depth
    // bound; doubling a variable makes 1,024 sudo words from 129 characters, past the parser's node budget. ×13 overflows an 8 MB main thread too.
    [InlineData("x=sudo", "; x=\"$x $x\"", 10, "; $x rm -rf /", "", true)]
    // crashes before fix: stack overflow, the same recursion written out (Unwrap, Prefix wrappers); ~840 overflow 1.5 MB, ~4,500 8 MB.
    [InlineData("", "sudo ", 5000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, UnwrapEnv → Dispatch.
    [InlineData("", "env A=1 ", 3000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, UnwrapXargs → Dispatch.
    [InlineData("echo a | ", "xargs ", 3000, "rm -rf", "", true)]
    // crashes before fix: stack overflow, Runner semantics (bundle exec, poetry run, mise x --) → Dispatch.
    [InlineData("", "bundle exec ", 3000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, Find (-exec) → Dispatch.
    [InlineData("", "find . -exec ", 1200, "rm -rf /", " \\;", true)]
    // crashes before fix: stack overflow, DockerExec → Dispatch.
    [InlineData("", "docker exec c ", 3000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, KubectlExec → Dispatch.
    [InlineData("", "kubectl exec p -- ", 1200, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, GitConfig (git bisect run) → Dispatch.
    [InlineData("", "git bisect run ", 3000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, TerminalMultiplexer (screen) → Dispatch.
    [InlineData("", "screen ", 3000, "rm -rf /", "", true)]
    // crashes before fix: stack overflow, Interpreter (a script named like a known program) → Dispatch.
    [InlineData("", "python3 ", 3000, "-c 'print(1)'", "", true)]
    // fails before fix (0.6 s, no budget gap): DockerRun re-parses every later mount at each level and maps each argument
    // through all of them, so the same unbounded recursion costs cubic time long before it overflows (×800).
    [InlineData("", "docker run -v /:/h img ", 200, "rm -rf /", "", true)]
    // crashes before fix: stack overflow. A call into a defined function nests RunCommand → … → Dispatch with no depth bound
    // (only a function calling itself is caught); 432 chained functions are enough.
    [InlineData("", "f%i() { f%j; }; ", 500, "f0", "", true)]
    // crashes before fix: stack overflow in WordExpander.BraceExpand, one recursion per brace group of a single word.
    [InlineData("echo ", "{,}", 20000, "", "", true)]
    // fails before fix (0.2 s, no budget gap; 3 s and ~2 GB at 12,000 groups, which also overflows): each nested BraceExpand
    // frame copies the whole word, quadratic in time and in live memory.
    [InlineData("echo ", "{a,b}", 4000, "", "", true)]
    // crashes before fix: process abort "Out of memory". Known variables grow without bound (×10 per assignment); the
    // analyzer's catch excludes OutOfMemoryException, and 1.5 G characters is past the largest string.
    [InlineData("x=aaaaaaaaaaaaaaa", "; x=$x$x$x$x$x$x$x$x$x$x", 8, "", "", true)]
    // fails before fix (1.2 s, no budget gap): the same growth through word splitting, a million arguments for one cat.
    [InlineData("x=a", "; x=\"$x $x $x $x $x $x $x $x $x $x\"", 6, "; cat $x", "", true)]
    // fails before fix (0.3 s, no budget gap; at depth 12 it runs for hours): a for loop's body is analyzed once per static
    // item, nested loops multiply, and compound commands are never counted against the command or time budgets.
    [InlineData("", "for a in 1 2 3 4 5 6 7 8; do ", 6, "((1))", "; done", true)]
    // hangs before fix (cubic: ×400 takes 0.6 s, ×800 4.6 s, ×3000 minutes): InlineCodeScanner takes each shell call's argument
    // text to the end of the line and runs StringLiteralPattern over it, which backtracks from every unterminated quote.
    [InlineData("python3 -c '", "exec(\\\"", 3000, "'", "", false)]
    // slow before fix (4.5 s; passes, slowly): StringLiteralPattern alone is quadratic on an unterminated "\"\"\"….
    [InlineData("python3 -c '\"", "\\\"", 30000, "'", "", false)]
    // slow before fix (0.1 s, no budget gap): one docker run with thousands of mounts maps every inner argument through all of them.
    [InlineData("docker run ", "-v /a:/b ", 2500, "img ", "x ", true)]
    // slow before fix (38 ms, 15 MB): eight brace groups after a 60 kB path copy the path 256 times.
    [InlineData("cat /", "a", 60000, "/{a,b}/{c,d}/{e,f}/{g,h}/{i,j}/{k,l}/{m,n}/{o,p}", "", true)]
    public void PathologicalInputReturnsWithinBudget(string head, string unit, int times, string middle, string closer, bool budgetGap)
    {
        var command = head + Repeat(unit, times) + middle + Repeat(closer, times);
        var analysis = Analyzer.Analyze(command, Cwd, Home);
        Assert.DoesNotContain(analysis.Gaps, g => g.Kind == "internal-error");
        if (budgetGap) Assert.Contains(analysis.Gaps, g => g.Kind == "budget");
    }

    private static string Repeat(string unit, int times)
    {
        if (!unit.Contains("%i", StringComparison.Ordinal)) return new StringBuilder(unit.Length * times).Insert(0, unit, times).ToString();
        var sb = new StringBuilder();
        for (int i = 0; i < times; i++)
            sb.Append(unit.Replace("%i", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("%j", (i + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        return sb.ToString();
    }

    private static readonly Lazy<string[]> LazyCorpus = new(() =>
        Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("command").GetString()!)
            .ToArray());

    private static string SingleQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // What the analyzer recurses on: globs, braces, paths, quoting, substitutions, here-documents, functions, loops, inline code.
    private static readonly string[] Tokens =
    [
        "*", "?", "[a]", "{a,b}", "{,}", "..", "../", "~", "~/", "$x", "$(", ")", "`", "'", "\"", "\\", "|", ";", "&&", "<<EOF\n", "\nEOF\n",
        "<(", "${x:-", "}", "*/.env", "~/.ssh/*", "eval ", "bash -c ", "sudo ", "xargs ", "find . -exec ", " \\;", "\n", "f() { ", "; }",
        "for x in a b; do ", "; done", "exec(", "\\\"", "x=", "=",
    ];

    // Each wrapper hands its text to a different nested analysis (RunString, substitutions, Dispatch, inline code scanning).
    private static readonly Func<string, string>[] Wraps =
    [
        s => "bash -c " + SingleQuote(s), s => "eval " + SingleQuote(s), s => "echo $(" + s + ")", s => "sudo " + s, s => "ssh host " + SingleQuote(s),
        s => "xargs -I{} " + s, s => "find . -exec " + s + " \\;", s => "cat <<EOF | bash\n" + s + "\nEOF",
        s => "python3 -c " + SingleQuote("import os; os.system(" + JsonSerializer.Serialize(s) + ")"),
        s => "node -e " + SingleQuote("require('child_process').execSync(" + JsonSerializer.Serialize(s) + ")"),
        s => "for i in 1 2 3; do " + s + "; done", s => "f() { " + s + "; }; f", s => "x=" + SingleQuote(s) + "; eval \"$x\"",
        s => "timeout 5 env A=1 " + s, s => "kubectl exec pod -- " + s, s => "git -c alias.x=" + SingleQuote("!" + s) + " x",
    ];

    private static Gen<string> Mutate(string s)
    {
        var insert = Gen.Choose(0, s.Length).SelectMany(i => Gen.Elements(Tokens).Select(t => s.Insert(i, t)));
        var delete = s.Length == 0 ? Gen.Constant(s) : Gen.Choose(0, s.Length - 1).SelectMany(i => Gen.Choose(1, Math.Min(20, s.Length - i)).Select(n => s.Remove(i, n)));
        // Bounded copies: the unbounded kinds (wrapper chains, brace runs) are the repro rows above.
        var duplicate = s.Length == 0
            ? Gen.Constant(s)
            : Gen.Choose(0, s.Length - 1).SelectMany(i => Gen.Choose(1, Math.Min(40, s.Length - i)).SelectMany(n => Gen.Choose(2, 8).Select(k => s.Insert(i, Repeat(s.Substring(i, n), k)))));
        var splice = Gen.Choose(0, s.Length).SelectMany(i => Gen.Elements(LazyCorpus.Value).Select(c => s.Insert(i, c)));
        var wrap = Gen.Elements(Wraps).Select(w => w(s));
        return Gen.OneOf(insert, delete, duplicate, splice, wrap, wrap);
    }

    private static Gen<string> MutateTimes(string s, int times) =>
        times == 0 ? Gen.Constant(s) : Mutate(s).SelectMany(m => MutateTimes(m, times - 1));

    [Fact]
    public void MutatedCorpusCommandsReturn()
    {
        var gen = Gen.Elements(LazyCorpus.Value).SelectMany(seed => Gen.Choose(1, 6).SelectMany(n => MutateTimes(seed, n)));
        // A fixed seed: the same 1,500 inputs every run, so a failure is reproducible and the run time is stable.
        var config = Config.QuickThrowOnFailure.WithMaxTest(1500).WithReplay(0x1F2E3D4C5B6A7988UL, 0x9E3779B97F4A7C15UL);
        Prop.ForAll(gen.ToArbitrary(), command =>
        {
            var analysis = Analyzer.Analyze(command, Cwd, Home);
            Assert.DoesNotContain(analysis.Gaps, g => g.Kind == "internal-error");
            return true;
        }).Check(config);
    }

    // Debug builds on a shared two-core machine run several times slower than the production budget assumes; the ladder is
    // after growth that is super-linear (seconds at tens of kilobytes), not constant factors, so its budget has ten times the slack.
    private static readonly ShellCommandAnalyzer LadderAnalyzer =
        new(limits: ShellAnalyzerLimits.Default with { TimeBudget = ShellAnalyzerLimits.Default.TimeBudget * 10 }, time: TimeProvider.System);

    [Fact]
    public void SizeLadderStaysWithinTimeBudget()
    {
        var corpus = LazyCorpus.Value;
        string[] separators = ["; ", "\n", " | ", " && "];
        int step = corpus.Length / 12;
        for (int k = 0; k < 12; k++)
        {
            var unit = corpus[k * step];
            var separator = separators[k % separators.Length];
            // Past about 40 kB a script of real commands meets the parser's node budget, and past 64 kB its length budget.
            foreach (var size in (int[])[1_000, 10_000, 30_000, 60_000, 100_000])
            {
                var text = RepeatTo(unit, separator, size);
                var analysis = LadderAnalyzer.Analyze(text, Cwd, Home);
                Assert.DoesNotContain(analysis.Gaps, g => g.Kind == "internal-error");
                // Count budgets (commands, operations, parser nodes) may stop a 60 kB script; the clock must not have to.
                Assert.DoesNotContain(analysis.Gaps, g => g.Kind == "budget" && g.Detail.Contains("time budget", StringComparison.Ordinal));
            }
        }
    }

    private static string RepeatTo(string unit, string separator, int size)
    {
        var sb = new StringBuilder(size + unit.Length);
        while (sb.Length + unit.Length <= size || sb.Length == 0) sb.Append(unit).Append(separator);
        return sb.ToString();
    }
}
