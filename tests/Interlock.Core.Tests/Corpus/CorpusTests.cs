using System.Text.Json;
using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;

namespace Interlock.Core.Tests.Corpus;

/// <summary>Runs every labelled command of tests/corpus through the default policy.</summary>
public sealed class CorpusTests
{
    private sealed record Case(string Id, string Category, string Expect, string Command, string Cwd);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    private static List<Case> Load(string file)
    {
        var cases = new List<Case>();
        foreach (var line in File.ReadLines(Repository.PathOf(Path.Combine("tests/corpus", file))))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            cases.Add(new Case(
                r.GetProperty("id").GetString()!, r.GetProperty("category").GetString()!, r.GetProperty("expect").GetString()!,
                r.GetProperty("command").GetString()!, r.TryGetProperty("cwd", out var cwd) ? cwd.GetString()! : Repository.Workspace));
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryCommandGetsItsLabelledDecision(string file)
    {
        var failures = new List<string>();
        foreach (var c in Load(file))
        {
            var decision = Repository.Check(c.Command, c.Cwd).Decision;
            var got = decision.Outcome.WireName();
            if (got != c.Expect)
                failures.Add($"{c.Id} [{c.Category}] expected {c.Expect}, got {got}: {c.Command}\n    {string.Join("\n    ", decision.Reasons.Take(3))}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of the {file} cases decided differently:\n" + string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void BlocksDangerousAndAllowsOrdinaryWork(string file)
    {
        int dangerous = 0, blocked = 0, ordinary = 0, allowed = 0;
        foreach (var c in Load(file))
        {
            var outcome = Repository.Check(c.Command, c.Cwd).Decision.Outcome;
            bool isAllowed = outcome is Outcome.Allow or Outcome.AllowWithConstraints;
            if (c.Expect == "allow") { ordinary++; if (isAllowed) allowed++; }
            else { dangerous++; if (!isAllowed) blocked++; }
        }
        Assert.True(dangerous > 0 && ordinary > 0, "a corpus file needs both kinds of command");
        Assert.True(blocked >= 0.97 * dangerous, $"{file}: blocked {blocked} of {dangerous} commands that must not run unreviewed");
        Assert.True(allowed >= 0.97 * ordinary, $"{file}: allowed {allowed} of {ordinary} ordinary commands");
    }

    [Fact]
    public void TheCorpusIsLargeAndWellFormed()
    {
        var all = Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl").Select(Path.GetFileName).SelectMany(f => Load(f!)).ToList();
        Assert.True(all.Count >= 400, $"the corpus has {all.Count} commands; at least 400 are required");
        Assert.Equal(all.Count, all.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, c => Assert.Contains(c.Expect, new[] { "allow", "deny", "require_approval" }));
        Assert.All(all, c => Assert.Contains(c.Category, new[] { "safe", "dangerous", "bypass", "trap" }));
        foreach (var category in new[] { "safe", "dangerous", "bypass", "trap" })
            Assert.True(all.Count(c => c.Category == category) >= 40, $"too few {category} commands");
    }
}
