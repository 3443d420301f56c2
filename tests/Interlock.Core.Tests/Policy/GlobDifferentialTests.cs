using System.Text;
using System.Text.RegularExpressions;
using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>The hand-written matcher agrees with a straightforward regex translation on random patterns and inputs.</summary>
public class GlobDifferentialTests
{
    private const string PatternAlphabet = "ab/*?[]!-\\.";
    private const string InputAlphabet = "ab/-]![\\.c";

    [Fact]
    public void AgreesWithRegexReference()
    {
        var random = new Random(20240611);
        var checkedCases = 0;
        for (var n = 0; n < 4000; n++)
        {
            var pattern = RandomString(random, PatternAlphabet, 1, 9);
            if (!Glob.TryParse(pattern, out var glob, out _, out _)) continue;
            var regex = new Regex(ToRegex(pattern), RegexOptions.Singleline | RegexOptions.CultureInvariant);
            for (var k = 0; k < 25; k++)
            {
                var input = k < 5 ? Sample(random, pattern) : RandomString(random, InputAlphabet, 0, 10);
                Assert.True(regex.IsMatch(input) == glob.IsMatch(input), $"pattern '{pattern}' input '{input}': regex {regex.IsMatch(input)}, glob {glob.IsMatch(input)}");
                // The trigram prefilter is exact: a text the glob matches always has the bits the glob needs.
                if (glob.IsMatch(input)) Assert.True((glob.LiteralBits & Glob.TrigramBits(input)) == glob.LiteralBits, $"pattern '{pattern}' input '{input}': literal bits not in the input's");
                checkedCases++;
            }
        }
        Assert.True(checkedCases > 20000, $"only {checkedCases} cases");
    }

    private static string RandomString(Random random, string alphabet, int min, int max)
    {
        var length = random.Next(min, max + 1);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++) sb.Append(alphabet[random.Next(alphabet.Length)]);
        return sb.ToString();
    }

    /// <summary>A string likely to match: wildcards replaced by plausible text.</summary>
    private static string Sample(Random random, string pattern)
    {
        var sb = new StringBuilder();
        foreach (var c in pattern)
        {
            sb.Append(c switch
            {
                '*' => RandomString(random, "ab/", 0, 3),
                '?' => "a",
                '[' or ']' or '!' or '\\' => "",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                sb.Append(Regex.Escape(pattern[i + 1].ToString()));
                i += 2;
            }
            else if (c == '*')
            {
                var run = 0;
                while (i < pattern.Length && pattern[i] == '*')
                {
                    run++;
                    i++;
                }
                sb.Append(run >= 2 ? ".*" : "[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
                i++;
            }
            else if (c == '[')
            {
                i++;
                var negated = i < pattern.Length && pattern[i] == '!';
                if (negated) i++;
                var items = new StringBuilder();
                var first = true;
                while (pattern[i] != ']' || first)
                {
                    first = false;
                    var lo = pattern[i] == '\\' ? pattern[++i] : pattern[i];
                    i++;
                    items.Append(Unicode(lo));
                    if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
                    {
                        i++;
                        var hi = pattern[i] == '\\' ? pattern[++i] : pattern[i];
                        i++;
                        items.Append('-').Append(Unicode(hi));
                    }
                }
                i++;
                sb.Append("(?!/)[").Append(negated ? "^" : "").Append(items).Append(']');
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
                i++;
            }
        }
        return sb.Append('$').ToString();
    }

    private static string Unicode(char c) => $"\\u{(int)c:x4}";
}
