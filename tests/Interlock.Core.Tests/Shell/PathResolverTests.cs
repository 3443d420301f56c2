using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

public sealed class PathResolverTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/home/dev/project", "/home/dev/project")]
    [InlineData("/home//dev/", "/home/dev")]
    [InlineData("/home/./dev/.", "/home/dev")]
    [InlineData("/home/dev/../ops/..", "/home")]
    [InlineData("/../..", "/")]
    [InlineData("/a/.b/..c/...", "/a/.b/..c/...")]
    [InlineData("relative/x", "/relative/x")]
    public void Normalizes(string path, string expected) => Assert.Equal(expected, PathResolver.Normalize(path));

    [Fact]
    public void Normalization_agrees_with_a_segment_by_segment_reference_on_random_paths()
    {
        var random = new Random(7);
        string[] parts = ["", ".", "..", "a", "b.c", "...", ".x"];
        for (var n = 0; n < 20000; n++)
        {
            var count = random.Next(0, 6);
            var path = (random.Next(4) == 0 ? "" : "/") + string.Join('/', Enumerable.Range(0, count).Select(_ => parts[random.Next(parts.Length)]));
            if (path.Length == 0) continue;
            Assert.Equal(Slow(path), PathResolver.Normalize(path));
        }
    }

    /// <summary>The reference: split, drop empty and <c>.</c>, pop on <c>..</c>, join.</summary>
    private static string Slow(string path)
    {
        var stack = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..") { if (stack.Count > 0) stack.RemoveAt(stack.Count - 1); continue; }
            stack.Add(seg);
        }
        return "/" + string.Join('/', stack);
    }
}
