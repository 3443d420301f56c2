using Interlock.Recording;

namespace Interlock.Core.Tests.Recording;

public sealed class SecretRedactorTests
{
    private static readonly SecretRedactor None = new([]);

    [Theory]
    // AWS access key ids
    [InlineData("key=AKIAIOSFODNN7EXAMPLE done", "key=[REDACTED:aws-access-key] done")]
    [InlineData("ASIAY34FZKBOKMUTVV7A", "[REDACTED:aws-access-key]")]
    // GitHub tokens
    [InlineData("ghp_0123456789abcdefghijABCDEFGHIJ012345", "[REDACTED:github-token]")]
    [InlineData("push with gho_0123456789abcdefghijABCDEFGHIJ012345 now", "push with [REDACTED:github-token] now")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[REDACTED:github-token]")]
    // Bearer tokens: the scheme stays
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", "Authorization: Bearer [REDACTED:bearer-token]")]
    [InlineData("curl -H 'authorization: bearer abcdefgh12345678'", "curl -H 'authorization: bearer [REDACTED:bearer-token]'")]
    // password= pairs: the key stays
    [InlineData("password=hunter2", "password=[REDACTED:password]")]
    [InlineData("DB_PASSWORD=\"p@ss word\" next", "DB_PASSWORD=[REDACTED:password] next")]
    [InlineData("{\"client_secret\": \"abc123\"}", "{\"client_secret\": [REDACTED:password]}")]
    [InlineData("api_key: zzz999", "api_key: [REDACTED:password]")]
    [InlineData("mysql --pwd=topsecret -h db", "mysql --pwd=[REDACTED:password] -h db")]
    // Private key blocks, whole
    [InlineData("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nxyz\n-----END RSA PRIVATE KEY-----\nb", "a\n[REDACTED:private-key]\nb")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn\\n-----END OPENSSH PRIVATE KEY-----", "[REDACTED:private-key]")]
    // Left alone
    [InlineData("hello world", "hello world")]
    [InlineData("AKIA too short", "AKIA too short")]
    [InlineData("the password is long", "the password is long")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----")]
    [InlineData("Bearer", "Bearer")]
    public void Pattern_table(string input, string expected) => Assert.Equal(expected, None.Redact(input));

    [Fact]
    public void Secret_named_environment_values_are_redacted()
    {
        var r = SecretRedactor.FromEnvironment(new Dictionary<string, string>
        {
            ["FAKE_SECRET_TOKEN"] = "tok-1234567890",
            ["GITHUB_AUTHOR"] = "Jane Developer",  // not a secret name
            ["API_TOKEN"] = "short",               // too short to redact safely
            ["PATH"] = "/usr/bin:/bin",
        });
        Assert.Equal(1, r.SecretValueCount);
        Assert.Equal("x [REDACTED:env FAKE_SECRET_TOKEN] y Jane Developer short /usr/bin:/bin", r.Redact("x tok-1234567890 y Jane Developer short /usr/bin:/bin"));
    }

    [Fact]
    public void Longer_values_are_replaced_before_their_prefixes()
    {
        var r = new SecretRedactor([new("A_TOKEN", "abcdef"), new("B_TOKEN", "abcdefghij")]);
        Assert.Equal("[REDACTED:env B_TOKEN] [REDACTED:env A_TOKEN]", r.Redact("abcdefghij abcdef"));
    }

    [Fact]
    public void Stream_redactor_finds_secrets_split_across_writes()
    {
        var s = new SecretRedactor([new("MY_SECRET", "supersecretvalue")]).ForStream();
        var output = s.Write("first supersec") + s.Write("retvalue and AKIAIOSF") + s.Write("ODNN7EXAMPLE\nnext") + s.Flush();
        Assert.Equal("first [REDACTED:env MY_SECRET] and [REDACTED:aws-access-key]\nnext", output);
    }

    [Fact]
    public void Stream_redactor_holds_partial_lines_until_they_end()
    {
        var s = None.ForStream();
        Assert.Equal("", s.Write("no newline yet"));
        Assert.Equal("no newline yet\n", s.Write("\n"));
        Assert.Equal("progress 10%\r", s.Write("progress 10%\rprogress 2"));
        Assert.Equal("progress 2", s.Flush());
        Assert.Equal("", s.Flush());
    }

    [Fact]
    public void Stream_redactor_drops_a_private_key_block_arriving_line_by_line()
    {
        var s = None.ForStream();
        var output = string.Concat(
            s.Write("before\n-----BEGIN EC PRIVATE KEY-----\n"),
            s.Write("MHcCAQEEIBx\n"),
            s.Write("AwEHoUQDQgAE\n-----END EC"),
            s.Write(" PRIVATE KEY-----\nafter\n"),
            s.Flush());
        Assert.Equal("before\n[REDACTED:private-key]\n\nafter\n", output);
        Assert.DoesNotContain("MHcC", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_redactor_releases_a_very_long_line()
    {
        var s = None.ForStream();
        var big = new string('x', StreamRedactor.MaxHeldChars + 10);
        Assert.Equal(big, s.Write(big));
    }
}
