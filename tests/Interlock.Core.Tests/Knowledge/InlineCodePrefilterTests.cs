using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Knowledge.Statements;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The scanner's literal prefilters never hide a match: every alternative of each pattern contains a needle.</summary>
public sealed partial class InlineCodePrefilterTests
{
    /// <summary>
    /// Concrete texts covering every alternative of the pattern, nested groups included, made by reading it as text:
    /// escapes become their character, optional and repeated parts are dropped, a class gives its first choice, and a
    /// group gives one text per alternative.
    /// </summary>
    private static IEnumerable<string> Examples(Regex pattern) => TopLevel(pattern.ToString()).SelectMany(Expand);

    private static List<string> Expand(string a)
    {
        var texts = new List<string> { "" };
        void Append(string piece) { for (var k = 0; k < texts.Count; k++) texts[k] += piece; }
        for (var i = 0; i < a.Length; i++)
        {
            var c = a[i];
            if (c == '\\' && i + 1 < a.Length)
            {
                var e = a[++i];
                if (e is 'b' or 'B') continue;
                if (e is 's')
                {
                    // `\s+` needs a blank; `\s*` and `\s?` need none.
                    if (!(i + 1 < a.Length && a[i + 1] is '*' or '?')) Append(" ");
                    i = SkipQuantifier(a, i);
                    continue;
                }
                if (e is 'w') { Append("x"); i = SkipQuantifier(a, i); continue; }
                if (e is 'W') { Append(" "); i = SkipQuantifier(a, i); continue; }
                Append(e.ToString());
                continue;
            }
            if (c == '[')
            {
                var close = a.IndexOf(']', i + 2);
                var first = a[i + 1] == '^' ? ' ' : a[i + 1];
                var optional = close + 1 < a.Length && a[close + 1] is '?' or '*' || close + 2 < a.Length && a[close + 1] == '{' && a[close + 2] == '0';
                if (!optional) Append(first.ToString());
                i = SkipQuantifier(a, close);
                continue;
            }
            if (c == '(')
            {
                var close = Close(a, i);
                var inner = a[(i + 1)..close];
                if (inner.StartsWith("?<!", StringComparison.Ordinal) || inner.StartsWith("?<=", StringComparison.Ordinal)) { i = close; continue; }
                // A lookahead's text must follow, so the example carries it.
                if (inner.StartsWith("?:", StringComparison.Ordinal) || inner.StartsWith("?=", StringComparison.Ordinal)) inner = inner[2..];
                else if (inner.StartsWith("?<", StringComparison.Ordinal)) inner = inner[(inner.IndexOf('>') + 1)..];
                var optional = close + 1 < a.Length && a[close + 1] is '?' or '*';
                if (!optional)
                {
                    var choices = TopLevel(inner).SelectMany(Expand).ToList();
                    texts = [.. texts.SelectMany(t => choices.Select(x => t + x)).Take(2000)];
                }
                i = SkipQuantifier(a, close);
                continue;
            }
            if (c is '?' or '*' or '+') continue;
            if (c == '{') { i = a.IndexOf('}', i); continue; }
            if (i + 1 < a.Length && a[i + 1] is '?' or '*') { i++; continue; }
            Append(c.ToString());
        }
        return texts;
    }

    private static int SkipQuantifier(string a, int i)
    {
        if (i + 1 < a.Length && a[i + 1] is '?' or '*' or '+') return i + 1;
        if (i + 1 < a.Length && a[i + 1] == '{') return a.IndexOf('}', i + 1);
        return i;
    }

    private static int Close(string a, int open)
    {
        var depth = 0;
        for (var i = open; i < a.Length; i++)
        {
            if (a[i] == '\\') { i++; continue; }
            if (a[i] == '[') { i = a.IndexOf(']', i + 2); continue; }
            if (a[i] == '(') depth++;
            else if (a[i] == ')' && --depth == 0) return i;
        }
        throw new InvalidOperationException("unbalanced pattern " + a);
    }

    private static IEnumerable<string> TopLevel(string pattern)
    {
        int depth = 0, start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') { i++; continue; }
            if (c == '[') { i = pattern.IndexOf(']', i + 2); continue; }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0) { yield return pattern[start..i]; start = i + 1; }
        }
        yield return pattern[start..];
    }

    [Fact]
    public void Every_alternative_of_every_prefiltered_pattern_contains_a_needle()
    {
        var checkedAlternatives = 0;
        foreach (var (pattern, needles) in InlineCodeScanner.Prefiltered)
        {
            foreach (var example in Examples(pattern))
            {
                Assert.True(pattern.IsMatch(example), $"the example '{example}' made from /{pattern}/ does not match it; the test's reading of the pattern needs care");
                Assert.True(example.AsSpan().ContainsAny(needles), $"/{pattern}/ matches '{example}', which contains none of its prefilter needles");
                checkedAlternatives++;
            }
        }
        Assert.True(checkedAlternatives > 80, $"only {checkedAlternatives} alternatives checked");
    }

    [Fact]
    public void On_every_corpus_command_a_match_implies_a_needle()
    {
        var checkedMatches = 0;
        foreach (var file in Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl"))
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("command", out var c)) continue;
                var text = c.GetString()!;
                foreach (var (pattern, needles) in InlineCodeScanner.Prefiltered)
                {
                    if (!pattern.IsMatch(text)) continue;
                    Assert.True(text.AsSpan().ContainsAny(needles), $"/{pattern}/ matches '{text}' without a needle");
                    checkedMatches++;
                }
            }
        Assert.True(checkedMatches > 15, $"only {checkedMatches} matches seen");
    }
}
