using Interlock.Approvals;
using Interlock.Identity;
using Interlock.Storage.Sqlite;

namespace Interlock.Storage.Tests;

public sealed class SqliteGatewayStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Principal Principal(string name, string token) => new()
    {
        Id = AccessTokens.NewId("prn_"), Name = name, Role = Role.Agent, TokenHash = AccessTokens.Hash(token), CreatedAt = T0, ExpiresAt = T0.AddDays(1),
    };

    private static ApprovalRequest Approval(string id, string agent = "bot", string digest = "d1", DateTimeOffset? expires = null) => new()
    {
        Id = id, Agent = agent, Steps = [new ApprovalStep(digest, "rm -rf build", "act_" + id)], Tier = "write_with_confirmation", PolicyHash = "h",
        Reasons = ["because"], Rules = ["r1"], Details = ["""{"action":{"command":"rm -rf build"}}"""], CreatedAt = T0, ExpiresAt = expires ?? T0.AddMinutes(30),
    };

    [Fact]
    public async Task Principals_are_found_by_token_hash_and_names_are_unique()
    {
        using var dir = new TempDir();
        var store = SqliteGatewayStore.Open(dir.Path);
        var bot = Principal("bot", "t1");
        Assert.True(await store.CreateAsync(bot));
        Assert.False(await store.CreateAsync(Principal("bot", "t2")));
        Assert.Equal(bot, await store.FindByTokenHashAsync(AccessTokens.Hash("t1")));
        Assert.Null(await store.FindByTokenHashAsync(AccessTokens.Hash("t2")));
        var revoked = bot with { RevokedAt = T0.AddHours(1) };
        Assert.True(await store.UpdateAsync(revoked));
        // A second open of the same directory sees the same state (nothing lives in process memory).
        var again = SqliteGatewayStore.Open(dir.Path);
        Assert.Equal(revoked, await again.FindAsync(bot.Id));
        Assert.Equal("the token was revoked", (await again.FindAsync(bot.Id))!.Unusable(T0.AddHours(2)));
    }

    [Fact]
    public async Task Approval_updates_are_compare_and_swap_on_the_version()
    {
        using var dir = new TempDir();
        var store = SqliteGatewayStore.Open(dir.Path);
        var request = Approval("apr_1");
        await store.CreateAsync(request);
        var a = request with { Status = ApprovalStatus.Approved, Version = 1 };
        var b = request with { Status = ApprovalStatus.Denied, Version = 1 };
        Assert.True(await store.TryUpdateAsync(a));
        Assert.False(await store.TryUpdateAsync(b));
        var stored = await store.GetAsync("apr_1");
        Assert.Equal(ApprovalStatus.Approved, stored!.Status);
        Assert.Equal(request.Details, stored.Details);
        Assert.Equal(request.Steps, stored.Steps);
    }

    [Fact]
    public async Task Open_requests_are_found_by_agent_and_next_digest_and_due_ones_by_expiry()
    {
        using var dir = new TempDir();
        var store = SqliteGatewayStore.Open(dir.Path);
        await store.CreateAsync(Approval("apr_1", "bot", "d1", T0.AddMinutes(5)));
        await store.CreateAsync(Approval("apr_2", "bot", "d2", T0.AddMinutes(50)));
        await store.CreateAsync(Approval("apr_3", "other", "d1", T0.AddMinutes(50)));
        Assert.Equal(["apr_1"], (await store.FindOpenAsync("bot", "d1")).Select(r => r.Id));
        Assert.Equal(["apr_1"], (await store.ListExpiredAsync(T0.AddMinutes(10))).Select(r => r.Id));
        Assert.Equal(3, await store.CountPendingAsync());
        Assert.Equal(["apr_2", "apr_1"], (await store.ListAsync(ApprovalStatus.Pending, "bot")).Select(r => r.Id).Order().Reverse());
    }

    [Fact]
    public async Task A_plan_is_found_by_the_digest_of_its_next_unused_step()
    {
        using var dir = new TempDir();
        var store = SqliteGatewayStore.Open(dir.Path);
        var plan = Approval("apr_p") with { Steps = [new ApprovalStep("d1", "a", "act_1"), new ApprovalStep("d2", "b", "act_2")], IsPlan = true, Status = ApprovalStatus.Approved };
        await store.CreateAsync(plan);
        Assert.Empty(await store.FindOpenAsync("bot", "d2"));
        var used = ApprovalWorkflow.Use(plan, "bot", "d1")!.Value.Request;
        Assert.True(await store.TryUpdateAsync(used));
        Assert.Empty(await store.FindOpenAsync("bot", "d1"));
        Assert.Equal(["apr_p"], (await store.FindOpenAsync("bot", "d2")).Select(r => r.Id));
    }
}
