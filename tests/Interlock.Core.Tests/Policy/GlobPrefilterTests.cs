using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>The first-segment prefilter only ever skips globs that could not match.</summary>
public sealed class GlobPrefilterTests
{
    private static readonly string[] Patterns =
    [
        "/var/backups/**", "/var/backups/*.sql.gz", "**/.env*", "/home/*/.ssh/id_*", "refs/heads/main", "refs/heads/release/*",
        "namespace/production", "database/orders", "git", "kube*", "*", "**", "/tmp/**/x", "https://*.example.com/**", "/srv", "/srv/**",
        "/d?ta/**", "[a-c]*/**", "/opt/app-*/*.conf", "job.*.destroy", "**/secrets/payments/**",
    ];

    private static readonly string[] Texts =
    [
        "/var/backups/db.sql.gz", "/var/backups/a/b", "/home/dev/project/.env", ".env.local", "/home/dev/.ssh/id_rsa", "refs/heads/main",
        "refs/heads/release/2.1", "namespace/production", "database/orders", "git", "kubectl", "/srv", "/srv/data", "/tmp/a/b/x", "/data/x",
        "https://api.example.com/v1", "b/c", "/opt/app-1/main.conf", "job.prod.destroy", "/srv/secrets/payments/key", "", "/", "x/secrets/payments/y",
    ];

    [Fact]
    public void EveryMatchPassesThePrefilter()
    {
        var random = new Random(20261122);
        var alphabet = "/ab*?.-_x".ToCharArray();
        var patterns = Patterns.ToList();
        var texts = Texts.ToList();
        for (int i = 0; i < 3000; i++)
        {
            patterns.Add(new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
            texts.Add(new string(Enumerable.Range(0, random.Next(0, 9)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }
        int checkedMatches = 0;
        foreach (var p in patterns)
        {
            if (!Glob.TryParse(p, out var glob, out _, out _)) continue;
            var bits = Glob.SegmentBits([glob]);
            foreach (var t in texts)
            {
                if (!glob.IsMatch(t)) continue;
                checkedMatches++;
                Assert.True((bits & Glob.SegmentBit(t)) != 0, $"prefilter would skip '{p}' for '{t}', which it matches");
            }
        }
        Assert.True(checkedMatches > 500, $"too few matches exercised ({checkedMatches})");
    }

    [Fact]
    public void DistinctFirstSegmentsAreSkipped()
    {
        var bits = Glob.SegmentBits([Glob.Parse("/var/backups/**"), Glob.Parse("refs/heads/main")]);
        Assert.NotEqual(0UL, bits & Glob.SegmentBit("/var/backups/x"));
        Assert.NotEqual(0UL, bits & Glob.SegmentBit("refs/heads/dev"));
        Assert.Equal(ulong.MaxValue, Glob.SegmentBits([Glob.Parse("**/.env")]));
    }
}
