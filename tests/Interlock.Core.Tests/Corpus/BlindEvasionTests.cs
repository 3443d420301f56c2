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
        ["cred-read"] = 27,
        ["exec-via-tool"] = 1,
        ["deferred-code"] = 0,
        ["git-config-exec"] = 0,
        ["rename-rehash"] = 0,
        ["write-then-run"] = 0,
        ["writer-as-reader"] = 15,
        ["sql-admin-api"] = 8,
        ["exfiltration"] = 0,
        ["env-dependent"] = 0,
        ["infra-tools"] = 6,
    };

    /// <summary>Ordinary commands that may still need approval (friction).</summary>
    private const int MaxOverblocked = 7;

    private static List<Case> Load()
    {
        var cases = new List<Case>();
        foreach (var line in File.ReadLines(Repository.PathOf("tests/corpus/blind/evasions.jsonl")))
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
}
