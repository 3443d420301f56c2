using Interlock.Knowledge;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The directory index of credential files gives every file a full scan would match, in the scan's order.</summary>
public sealed class CredentialCandidatesTests
{
    private static readonly string[] Files =
    [
        "/home/dev/.aws/credentials", "/home/dev/.netrc", "/home/dev/.ssh/id_rsa", "/home/dev/.config/gh/hosts.yml",
        "/home/dev/.config/gcloud/credentials.db", "/home/dev/Library/Application Support/Google/Chrome/Default/Login Data",
        "/etc/shadow", "/etc/ssl/private", "/root/.ssh", "/run/secrets", "/home/dev/.kube/config",
    ];

    [Fact]
    public void Lookup_keeps_every_match_of_a_full_scan_in_table_order()
    {
        var index = new CredentialCandidates(Files);
        string[] segments = ["*", "?", "**", ".*", "home", "dev", ".aws", ".config", "gh", "g*", "hosts.yml", "cred*", "etc", "shadow", "root", ".ssh",
            "id_*", "Library", "Application Support", "*Support", "Default", "run", "secrets", "x", ""];
        var rnd = new Random(3);
        int matched = 0;
        for (int i = 0; i < 50_000; i++)
        {
            // Half from a credential file with some segments swapped for wildcards or other names, half from words alone.
            var pattern = i % 2 == 0
                ? string.Join("/", Files[rnd.Next(Files.Length)].Split('/').Select(p => rnd.Next(3) == 0 ? segments[rnd.Next(segments.Length)] : p))
                : (rnd.Next(4) == 0 ? "" : "/") + string.Join("/", Enumerable.Range(0, rnd.Next(1, 8)).Select(_ => segments[rnd.Next(segments.Length)]));
            var parts = pattern.Split('/');
            var found = index.For(pattern, parts, out int shared).ToArray().Select(c => c.Path).ToList();
            // A scan: every file whose segments each match the pattern's (the dot rule only removes matches, so it is left out).
            var scan = index.All.Where(c => c.Parts.Length == parts.Length && parts.Select((p, k) => Wildcard.Match(p, c.Parts[k])).All(m => m)).Select(c => c.Path).ToList();
            matched += scan.Count;
            Assert.True(scan.All(found.Contains), $"{pattern}: the lookup lost a match");
            Assert.Equal(Files.Where(found.Contains), found);
            Assert.All(found, f => Assert.Equal(parts[..shared], f.Split('/')[..shared]));
        }
        Assert.True(matched > 5_000, "the generated patterns should match credential files often");
    }
}
