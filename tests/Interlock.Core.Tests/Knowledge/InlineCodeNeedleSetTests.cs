using Interlock.Knowledge.Statements;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The one-pass needle search says, for every needle set, exactly what asking that set alone says.</summary>
public sealed class InlineCodeNeedleSetTests
{
    [Theory]
    [InlineData("")]
    [InlineData("print(1)")]
    [InlineData("require('child_process').execSync('git push --force origin main')")]
    [InlineData("import subprocess; subprocess.run(['dropdb','app_production'])")]
    [InlineData("rmrmrm >> `qx` %x chrchr Bun.file(x).delete() LWP::UserAgent->post(")]
    [InlineData("é€ rm\u00e9remove ünlink")]
    public void KnownSnippets(string code) => AssertSame(code);

    [Fact]
    public void RandomSnippetsOfNeedlePieces()
    {
        var words = InlineCodeScanner.NeedleSetTable.SelectMany(s => s.Words).Distinct().ToArray();
        var random = new Random(1107);
        for (var n = 0; n < 20_000; n++)
        {
            var text = new System.Text.StringBuilder();
            var parts = random.Next(0, 6);
            for (var p = 0; p < parts; p++)
            {
                var word = words[random.Next(words.Length)];
                // Whole needles, their halves (near misses) and filler, so hits overlap and abut.
                text.Append(random.Next(3) switch
                {
                    0 => word,
                    1 => word[..Math.Max(1, word.Length / 2)],
                    _ => "x(y) ."[..random.Next(1, 7)],
                });
            }
            AssertSame(text.ToString());
        }
    }

    private static void AssertSame(string code)
    {
        var sets = InlineCodeScanner.NeedleSets(code);
        foreach (var (words, bit) in InlineCodeScanner.NeedleSetTable)
            Assert.True(words.Any(w => code.Contains(w, StringComparison.Ordinal)) == ((sets & bit) != 0), $"set {bit} on '{code}'");
    }
}
