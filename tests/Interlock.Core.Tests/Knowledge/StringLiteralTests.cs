using System.Text;
using System.Text.RegularExpressions;
using Interlock.Knowledge.Statements;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The scanner's hand-written string literal reader agrees with a plain regex reading on random code.</summary>
public sealed partial class StringLiteralTests
{
    // The reference: double or single quotes with backslash escapes on one line, or backticks across lines.
    [GeneratedRegex(@"""(?<dq>(?:[^""\\\n]|\\.)*)""|'(?<sq>(?:[^'\\\n]|\\.)*)'|`(?<bt>[^`]*)`")]
    private static partial Regex Reference();

    private static List<string> ByReference(string code) =>
        [.. Reference().Matches(code).Select(m => m.Groups["dq"].Success ? m.Groups["dq"].Value : m.Groups["sq"].Success ? m.Groups["sq"].Value : m.Groups["bt"].Value)];

    [Theory]
    [InlineData("os.system('rm -rf /tmp/x')", "rm -rf /tmp/x")]
    [InlineData("print(\"a \\\"quoted\\\" word\")", "a \\\"quoted\\\" word")]
    [InlineData("x = `ls\n-la`", "ls\n-la")]
    [InlineData("'unclosed\n'then'", "then")]
    public void Reads_literals(string code, string first) => Assert.Equal(first, InlineCodeScanner.StringLiterals(code)[0]);

    [Fact]
    public void Agrees_with_the_reference_on_random_code()
    {
        const string alphabet = "ab \"'`\\\n/(";
        var rnd = new Random(11);
        var sb = new StringBuilder();
        for (var n = 0; n < 50_000; n++)
        {
            sb.Clear();
            for (var i = rnd.Next(0, 24); i > 0; i--) sb.Append(alphabet[rnd.Next(alphabet.Length)]);
            var code = sb.ToString();
            Assert.Equal(ByReference(code), InlineCodeScanner.StringLiterals(code));
        }
    }
}
