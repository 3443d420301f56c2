using Interlock.Knowledge;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>Credential path classification on globs: every pattern gets an answer, and the secrets beside any directory are found.</summary>
public sealed class CredentialPathsTests
{
    private const string Home = "/home/dev";

    // `*/.env` once recursed without end (a stack overflow kills the process, so no catch could fail closed).
    [Theory]
    [InlineData("/home/dev/app/*/.env", ".env")]
    [InlineData("/*/.env.local", ".env.local")]
    [InlineData("/srv/[ab]*/.env.production", ".env.production")]
    [InlineData("/home/*/.ssh/id_ed25519", "id_ed25519")]
    [InlineData("/srv/*/*/.env*", ".env")]
    public void Globs_whose_directory_has_wildcards_are_described(string pattern, string secret)
    {
        var why = CredentialPaths.Describe(pattern, Home);
        Assert.NotNull(why);
        Assert.Contains(secret, why);
    }

    [Theory]
    [InlineData("/home/dev/app/*/README.md")]
    [InlineData("/srv/*/logs/*.log")]
    [InlineData("/home/dev/app/src/*.cs")]
    public void Globs_that_cannot_match_a_secret_are_not_credential_reads(string pattern) =>
        Assert.Null(CredentialPaths.Describe(pattern, Home));

    [Fact]
    public void Every_generated_glob_path_gets_an_answer()
    {
        string[] segments = ["*", "?", "[ab]", ".*", "*.env", ".env", ".env.local", "id_*", "id_rsa", ".ssh", ".aws", "cred*", "home", "dev", "srv", "x"];
        var rnd = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var path = "/" + string.Join("/", Enumerable.Range(0, rnd.Next(1, 6)).Select(_ => segments[rnd.Next(segments.Length)]));
            // Returning at all is the assertion: a recursion without end would end the test run.
            _ = CredentialPaths.Describe(path, Home, recursive: rnd.Next(2) == 0);
        }
    }
}
