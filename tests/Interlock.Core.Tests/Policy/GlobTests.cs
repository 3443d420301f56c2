using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

public class GlobTests
{
    [Theory]
    // literals
    [InlineData("git", "git", true)]
    [InlineData("git", "Git", false)]
    [InlineData("git", "gitk", false)]
    [InlineData("git", "gi", false)]
    [InlineData("refs/heads/main", "refs/heads/main", true)]
    [InlineData("refs/heads/main", "refs/heads/main2", false)]
    // single star: any run except '/'
    [InlineData("job.*.destroy", "job.prod.destroy", true)]
    [InlineData("job.*.destroy", "job..destroy", true)]
    [InlineData("job.*.destroy", "job.a.b.destroy", true)]
    [InlineData("job.*.destroy", "job.prod.destroyed", false)]
    [InlineData("job.*.destroy", "xjob.prod.destroy", false)]
    [InlineData("job.*.destroy", "job.a/b.destroy", false)]
    [InlineData("job.*.export.*", "job.x.export.csv", true)]
    [InlineData("job.*.export.*", "job.x.export.", true)]
    [InlineData("job.*.export.*", "job.x.exports.csv", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("*", "a/b", false)]
    [InlineData("ci-*", "ci-runner", true)]
    [InlineData("ci-*", "cd-runner", false)]
    [InlineData("*.yaml", "policy.yaml", true)]
    [InlineData("*.yaml", "dir/policy.yaml", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a*b*c", "abcbc", true)]
    // double star: any run including '/'
    [InlineData("/var/backups/**", "/var/backups/db/2024.tar", true)]
    [InlineData("/var/backups/**", "/var/backups/", true)]
    [InlineData("/var/backups/**", "/var/backups", false)]
    [InlineData("/var/backups/**", "/var/backupsx/a", false)]
    [InlineData("**", "", true)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("**/secrets/*", "a/b/secrets/key", true)]
    [InlineData("**/secrets/*", "/secrets/key", true)]
    [InlineData("**/secrets/*", "a/secrets/x/key", false)]
    [InlineData("src/**/*.cs", "src/a/b/c.cs", true)]
    [InlineData("src/**/*.cs", "src//c.cs", true)]
    [InlineData("src/**/*.cs", "src/c.cs", false)]
    [InlineData("src/**/*.cs", "src/a/c.txt", false)]
    [InlineData("a/**b", "a/x/y/b", true)]
    [InlineData("***", "a/b", true)]
    // question mark: one char except '/'
    [InlineData("v?", "v1", true)]
    [InlineData("v?", "v", false)]
    [InlineData("v?", "v12", false)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("??", "ab", true)]
    // character classes
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[abc]x", "dx", false)]
    [InlineData("v[0-9]", "v7", true)]
    [InlineData("v[0-9]", "va", false)]
    [InlineData("v[0-9a-f]", "vc", true)]
    [InlineData("[!x]y", "ay", true)]
    [InlineData("[!x]y", "xy", false)]
    [InlineData("a[!x]b", "a/b", false)]
    [InlineData("a[/]b", "a/b", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[!]]", "a", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[\\]a]", "]", true)]
    [InlineData("env-[ps]*", "env-prod", true)]
    [InlineData("env-[ps]*", "env-dev", false)]
    // escapes
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("\\[x\\]", "[x]", true)]
    [InlineData("a\\?", "a?", true)]
    [InlineData("a\\?", "ab", false)]
    [InlineData("\\\\", "\\", true)]
    // case sensitivity and anchoring
    [InlineData("Bash", "bash", false)]
    [InlineData("*sh", "Bash", true)]
    [InlineData("b*", "ab", false)]
    public void Matches(string pattern, string input, bool expected)
    {
        var glob = Glob.Parse(pattern);
        Assert.Equal(expected, glob.IsMatch(input));
    }

    [Theory]
    [InlineData("", "empty pattern", 0)]
    [InlineData("[abc", "unterminated '['", 0)]
    [InlineData("x[!", "unterminated '['", 1)]
    [InlineData("ab[]", "unterminated '['", 2)]
    [InlineData("abc\\", "dangling '\\'", 3)]
    [InlineData("[z-a]", "invalid range 'z-a'", 2)]
    [InlineData("[a\\", "dangling '\\'", 2)]
    public void RejectsInvalidPatterns(string pattern, string message, int offset)
    {
        Assert.False(Glob.TryParse(pattern, out var glob, out var error, out var errorOffset));
        Assert.Null(glob);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(offset, errorOffset);
        Assert.Throws<FormatException>(() => Glob.Parse(pattern));
    }

    [Fact]
    public void RejectsOverlongPatterns()
    {
        Assert.False(Glob.TryParse(new string('a', Glob.MaxPatternLength + 1), out _, out var error, out _));
        Assert.Contains("longer than", error, StringComparison.Ordinal);
        Assert.True(Glob.TryParse(new string('a', Glob.MaxPatternLength), out _, out _, out _));
    }

    [Theory]
    [InlineData("git", true)]
    [InlineData("a\\*b", true)]
    [InlineData("a*", false)]
    [InlineData("a?", false)]
    [InlineData("[a]", false)]
    public void LiteralPatternsAreDetected(string pattern, bool literal) =>
        Assert.Equal(literal, Glob.Parse(pattern).IsLiteral);

    [Fact]
    public void PathologicalPatternsStayLinear()
    {
        // Backtracking matchers take exponential time here; the NFA's steps stay linear in input × pattern.
        const string pattern = "*a*a*a*a*a*a*a*a*a*a*b";
        var glob = Glob.Parse(pattern);
        var input = new string('a', 5000);
        long Bound(int length) => 2L * (length + 1) * (pattern.Length + 1);
        Assert.False(glob.IsMatch(input, out var missSteps));
        Assert.True(glob.IsMatch(input + "b", out var hitSteps));
        Assert.InRange(missSteps, input.Length, Bound(input.Length));
        Assert.InRange(hitSteps, input.Length, Bound(input.Length + 1));
        // Twice the input, about twice the work: linear, not merely under a generous bound.
        Assert.True(glob.IsMatch(input + input + "b", out var doubleSteps));
        Assert.InRange(doubleSteps, hitSteps, (2 * hitSteps) + pattern.Length);
    }

    [Fact]
    public void MatchingDoesNotAllocate()
    {
        var globs = new[] { Glob.Parse("git"), Glob.Parse("job.*.destroy"), Glob.Parse("/var/**"), Glob.Parse("src/**/*.[ch]s"), Glob.Parse("v?[0-9]*") };
        var inputs = new[] { "git", "job.prod.destroy", "/var/lib/x", "src/a/b/c.cs", "vx9abc", "nope" };
        foreach (var g in globs)
            foreach (var s in inputs)
                g.IsMatch(s); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var hits = 0;
        for (var n = 0; n < 1000; n++)
            foreach (var g in globs)
                foreach (var s in inputs)
                    if (g.IsMatch(s)) hits++;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(5000, hits);
    }
}
