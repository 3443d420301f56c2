using System.Text.Json;

namespace Interlock.Server.Tests.Api;

public sealed class PrincipalApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_first_start_writes_an_admin_token_readable_only_by_its_owner()
    {
        await using var gw = await GatewayFixture.StartAsync();
        Assert.False(OperatingSystem.IsWindows(), "the gateway's file modes are POSIX");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(gw.DataDirectory, "admin.token")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(gw.DataDirectory));
        }
        Assert.StartsWith("ilk_", gw.AdminToken);
        // Tokens are stored only as hashes.
        var state = await File.ReadAllBytesAsync(Path.Combine(gw.DataDirectory, "state.db"));
        Assert.DoesNotContain(gw.AdminToken, System.Text.Encoding.UTF8.GetString(state));
    }

    [Fact]
    public async Task An_admin_creates_principals_whose_token_is_shown_once()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/principals", gw.AdminToken, new { name = "ci-bot", role = "agent", ttl = "2h" });
        Assert.Equal(201, status);
        Assert.Equal("ci-bot", body.GetProperty("name").GetString());
        Assert.Equal("agent", body.GetProperty("role").GetString());
        Assert.StartsWith("ilk_", body.GetProperty("token").GetString());
        var created = body.GetProperty("created_at").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(2), body.GetProperty("expires_at").GetDateTimeOffset() - created);

        var (listStatus, list) = await gw.CallAsync(HttpMethod.Get, "v1/principals", gw.AdminToken);
        Assert.Equal(200, listStatus);
        var listed = list.GetProperty("principals").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "ci-bot");
        Assert.False(listed.TryGetProperty("token", out _));
        Assert.False(listed.TryGetProperty("token_hash", out _));
    }

    [Theory]
    [InlineData("""{"name":"x","role":"root"}""", "field 'role' must be agent, reviewer, auditor or admin")]
    [InlineData("""{"role":"agent"}""", "field 'name' is required")]
    [InlineData("""{"name":"bad name!","role":"agent"}""", "field 'name' is required")]
    [InlineData("""{"name":"x","role":"agent","ttl":"5w"}""", "field 'ttl': '5w' has unknown unit 'w'")]
    [InlineData("""{"name":"x","role":"agent","ttl":true}""", "field 'ttl' must be a duration")]
    [InlineData("""{"name":"x","role":"agent","admin":true}""", "unknown field 'admin'")]
    [InlineData("""{"name":5,"role":"agent"}""", "field 'name' must be a string, got number")]
    [InlineData("""[1,2]""", "the body must be a JSON object, got array")]
    [InlineData("""{"name":""", "the body is not valid JSON")]
    public async Task Bad_principal_requests_are_400_naming_the_problem(string body, string expected)
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var response = await gw.SendAsync(HttpMethod.Post, "v1/principals", gw.AdminToken, body);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict()
    {
        await using var gw = await GatewayFixture.StartAsync();
        await gw.CreatePrincipalAsync("bot", "agent");
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/principals", gw.AdminToken, new { name = "bot", role = "reviewer" });
        Assert.Equal(409, status);
        Assert.Contains("already exists", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("reviewer")]
    [InlineData("auditor")]
    public async Task Only_admins_manage_principals(string role)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var token = await gw.CreatePrincipalAsync("someone", role);
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/principals", token, new { name = "x", role = "admin" });
        Assert.Equal(403, status);
        Assert.Contains("needs the role admin", body.GetProperty("detail").GetString());
        Assert.Equal(403, (await gw.CallAsync(HttpMethod.Get, "v1/principals", token)).Status);
    }

    [Theory]
    [InlineData(null, "missing Authorization header")]
    [InlineData("ilk_not-a-real-token", "not known")]
    public async Task Missing_and_unknown_tokens_are_401(string? token, string expected)
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var response = await gw.SendAsync(HttpMethod.Post, "v1/evaluate", token, new { command = "ls" });
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_expires_at_its_ttl()
    {
        var clock = new ManualClock(T0);
        await using var gw = await GatewayFixture.StartAsync(o => o with { Time = clock });
        var agent = await gw.CreatePrincipalAsync("bot", "agent", "1h");
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "ls" })).Status);
        clock.Advance(TimeSpan.FromMinutes(61));
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "ls" });
        Assert.Equal(401, status);
        Assert.Contains("expired", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoking_and_rotating_take_effect_at_once()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var old = await gw.CreatePrincipalAsync("bot", "agent");
        var id = (await gw.CallAsync(HttpMethod.Get, "v1/principals", gw.AdminToken)).Body.GetProperty("principals").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "bot").GetProperty("id").GetString();
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", old, new { command = "ls" })).Status);

        var (rotStatus, rotated) = await gw.CallAsync(HttpMethod.Post, $"v1/principals/{id}/rotate", gw.AdminToken);
        Assert.Equal(200, rotStatus);
        var fresh = rotated.GetProperty("token").GetString();
        Assert.Equal(401, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", old, new { command = "ls" })).Status);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", fresh, new { command = "ls" })).Status);

        var (revStatus, revoked) = await gw.CallAsync(HttpMethod.Post, $"v1/principals/{id}/revoke", gw.AdminToken);
        Assert.Equal(200, revStatus);
        Assert.True(revoked.TryGetProperty("revoked_at", out _));
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", fresh, new { command = "ls" });
        Assert.Equal(401, status);
        Assert.Contains("revoked", body.GetProperty("detail").GetString());
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/principals/{id}/rotate", gw.AdminToken)).Status);
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, "v1/principals/prn_nope/revoke", gw.AdminToken)).Status);
    }

    [Fact]
    public async Task The_last_usable_admin_cannot_be_revoked()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var id = (await gw.CallAsync(HttpMethod.Get, "v1/principals", gw.AdminToken)).Body.GetProperty("principals")[0].GetProperty("id").GetString();
        var (status, body) = await gw.CallAsync(HttpMethod.Post, $"v1/principals/{id}/revoke", gw.AdminToken);
        Assert.Equal(409, status);
        Assert.Contains("last usable admin", body.GetProperty("detail").GetString());
    }
}
