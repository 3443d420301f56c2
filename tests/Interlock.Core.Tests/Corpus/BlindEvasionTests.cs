using System.Text.Json;
using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;

namespace Interlock.Core.Tests.Corpus;

/// <summary>
/// tests/corpus/blind/evasions.jsonl: harmful commands dressed as harmless, written blind (by someone who had not read
/// the analyzer's tables) in eleven classes, and ordinary work that must flow. Anything but allow stops an evasion.
/// The bounds are what this build measured per class; a regression above one fails, and a fix lowers it. A third of
/// the cases written (every id divisible by 3) is held back outside the repository to measure fixes on cases they
/// were not made against.
/// </summary>
public sealed class BlindEvasionTests
{
    private sealed record Case(string Id, string Class, string Expect, string Why, string Command);

    /// <summary>Evasions each class may still let through (measured; lower them as classes close).</summary>
    private static readonly Dictionary<string, int> MaxLeaked = new(StringComparer.Ordinal)
    {
        ["cred-read"] = 0,
        ["exec-via-tool"] = 0,
        ["deferred-code"] = 0,
        ["git-config-exec"] = 0,
        ["rename-rehash"] = 0,
        ["write-then-run"] = 0,
        ["writer-as-reader"] = 0,
        ["sql-admin-api"] = 0,
        ["exfiltration"] = 0,
        ["env-dependent"] = 0,
        ["infra-tools"] = 0,
    };

    /// <summary>Ordinary commands that may still need approval (friction).</summary>
    private const int MaxOverblocked = 0;

    private static List<Case> Load(string file = "tests/corpus/blind/evasions.jsonl")
    {
        var cases = new List<Case>();
        foreach (var line in File.ReadLines(Repository.PathOf(file)))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            cases.Add(new Case(r.GetProperty("id").GetString()!, r.GetProperty("class").GetString()!, r.GetProperty("expect").GetString()!,
                r.GetProperty("why").GetString()!, r.GetProperty("command").GetString()!));
        }
        return cases;
    }

    private static bool Allowed(Evaluation e) => e.Decision.Outcome is Outcome.Allow or Outcome.AllowWithConstraints;

    [Fact]
    public void EvasionsStayWithinTheirClassBoundsAndOrdinaryWorkFlows()
    {
        var cases = Load();
        Assert.True(cases.Count >= 1000, $"the blind corpus has {cases.Count} cases");
        var leaked = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var overblocked = new List<string>();
        foreach (var c in cases)
        {
            var e = Repository.Check(c.Command);
            if (c.Expect == "not_allow" && Allowed(e))
            {
                if (!leaked.TryGetValue(c.Class, out var list)) leaked[c.Class] = list = [];
                list.Add($"{c.Id} ({c.Why}): {c.Command}");
            }
            if (c.Expect == "allow" && !Allowed(e))
                overblocked.Add($"{c.Id} ({c.Why}): {e.Decision.Outcome.WireName()}: {c.Command}: {string.Join("; ", e.Decision.Reasons.Take(2))}");
        }
        var report = string.Join("\n", leaked.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}: leaked {k.Value.Count} (bound {MaxLeaked.GetValueOrDefault(k.Key)}):\n  {string.Join("\n  ", k.Value)}"))
            + $"\noverblocked {overblocked.Count} (bound {MaxOverblocked}):\n  {string.Join("\n  ", overblocked)}";
        foreach (var (cls, list) in leaked)
            Assert.True(MaxLeaked.TryGetValue(cls, out var bound) && list.Count <= bound, $"{cls} leaked {list.Count}\n{report}");
        Assert.True(overblocked.Count <= MaxOverblocked, report);
    }

    /// <summary>
    /// The third held back while the classes were closed (evasions-holdout.jsonl, ids divisible by 3): measured once
    /// the fixes were in, without tuning on it. 18 of 479 evasions got through (3.8 %), no ordinary command was held;
    /// 16 after the second blind set's classes were closed, 3 after the third set's round (by then it had been read).
    /// </summary>
    [Fact]
    public void TheHeldOutThirdStaysWithinItsMeasuredBound()
    {
        AssertWithinBounds("tests/corpus/blind/evasions-holdout.jsonl", "the held-out set", minCases: 500, maxLeaked: 3, maxOverblocked: 0);
    }

    /// <summary>
    /// A second blind set (evasions-2.jsonl: two thirds of 665 cases in twelve classes written by another blind session;
    /// the other third is held back outside the repository). Its classes were worked on: 31 of 310 evasions got through
    /// before, 5 after, 1 after the third set's round; one ordinary command still needs approval (a perl edit over `git ls-files` output; `rm -rf` of an
    /// `*.egg-info` glob flows since regenerable output is also named by its ending). The bounds are those measurements.
    /// </summary>
    [Fact]
    public void TheSecondBlindSetStaysWithinItsMeasuredBounds()
    {
        AssertWithinBounds("tests/corpus/blind/evasions-2.jsonl", "the second blind set", minCases: 440, maxLeaked: 1, maxOverblocked: 1);
    }

    /// <summary>
    /// A third blind set (evasions-3.jsonl: the development half of 699 cases in thirteen classes; the other half is
    /// held back outside the repository). 26 of 269 evasions got through before its round, 8 after, 6 of them a harmless
    /// payload (`id`) run through a mechanism the analysis follows; no ordinary command needs approval.
    /// </summary>
    [Fact]
    public void TheThirdBlindSetStaysWithinItsMeasuredBounds()
    {
        AssertWithinBounds("tests/corpus/blind/evasions-3.jsonl", "the third blind set", minCases: 360, maxLeaked: 8, maxOverblocked: 0);
    }

    /// <summary>
    /// A fourth blind set (evasions-4.jsonl: the development half of 748 cases in thirteen classes, written to lean on
    /// less-travelled programs; the other half is held back outside the repository). 17 of 282 evasions got through
    /// before its round, 3 after: two a harmless payload (`id`) run through a mechanism the analysis follows, one a
    /// `docker build` whose RUN step runs inside the build container; no ordinary command needs approval.
    /// </summary>
    [Fact]
    public void TheFourthBlindSetStaysWithinItsMeasuredBounds()
    {
        AssertWithinBounds("tests/corpus/blind/evasions-4.jsonl", "the fourth blind set", minCases: 370, maxLeaked: 3, maxOverblocked: 0);
    }

    /// <summary>
    /// A fifth blind set (evasions-5.jsonl: the development half of 510 cases; the other half is held back outside the
    /// repository), measured first on this session's final build: 17 of 195 got through, 12 after its short round,
    /// ten of them a harmless payload (`sh -c id`) run through a mechanism the analysis follows.
    /// </summary>
    [Fact]
    public void TheFifthBlindSetStaysWithinItsMeasuredBounds()
    {
        AssertWithinBounds("tests/corpus/blind/evasions-5.jsonl", "the fifth blind set", minCases: 250, maxLeaked: 12, maxOverblocked: 0);
    }

    /// <summary>A blind set has at least <paramref name="minCases"/> cases, and no more evasions allowed or ordinary commands held than measured.</summary>
    private static void AssertWithinBounds(string file, string name, int minCases, int maxLeaked, int maxOverblocked)
    {
        var cases = Load(file);
        Assert.True(cases.Count >= minCases, $"{name} has {cases.Count} cases");
        var leaked = cases.Where(c => c.Expect == "not_allow" && Allowed(Repository.Check(c.Command))).Select(c => $"{c.Id} [{c.Class}]: {c.Command}").ToList();
        var overblocked = cases.Where(c => c.Expect == "allow" && !Allowed(Repository.Check(c.Command))).Select(c => $"{c.Id}: {c.Command}").ToList();
        Assert.True(leaked.Count <= maxLeaked, $"leaked {leaked.Count}:\n" + string.Join('\n', leaked));
        Assert.True(overblocked.Count <= maxOverblocked, $"overblocked {overblocked.Count}:\n" + string.Join('\n', overblocked));
    }

    /// <summary>
    /// Mutation test: every stopped evasion stays stopped when respelled (wrappers, shells, grouping, nested wrappers,
    /// the program's name escaped, quoted, split or by path, through xargs) and when an unknown option is inserted.
    /// </summary>
    [Fact]
    public void StoppedEvasionsStayStoppedWhenRespelled()
    {
        var escaped = new List<string>();
        var unknownOption = new List<string>();
        int tried = 0;
        foreach (var c in Load())
        {
            if (c.Expect != "not_allow" || Allowed(Repository.Check(c.Command))) continue;
            foreach (var mutate in Respellings.Classic.Concat(Respellings.Programs))
            {
                var respelled = mutate(c.Command);
                if (respelled == c.Command) continue;
                tried++;
                if (Allowed(Repository.Check(respelled))) escaped.Add($"{c.Id}: {respelled}");
            }
            var withOption = Respellings.UnknownOption(c.Command);
            if (withOption == c.Command) continue;
            tried++;
            if (Allowed(Repository.Check(withOption))) unknownOption.Add($"{c.Id}: {withOption}");
        }
        Assert.True(tried > 8000, $"only {tried} mutations were tried");
        Assert.True(escaped.Count == 0, $"{escaped.Count} of {tried} respellings were allowed:\n" + string.Join('\n', escaped.Take(40)));
        Assert.True(unknownOption.Count <= MaxUnknownOptionEscapes, $"{unknownOption.Count} commands with an unknown option were allowed:\n" + string.Join('\n', unknownOption));
    }

    // Measured (0): find, tar and the readers have strict grammars, so an option they do not know is a gap; deno's
    // global options no longer hide its subcommand. Keep at 0: a new escape means a grammar to complete.
    private const int MaxUnknownOptionEscapes = 0;
}
