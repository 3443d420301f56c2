using System.Text;
using System.Text.Json;
using Interlock.Server.Gateway;
using Interlock.Server.Notifications;

namespace Interlock.Server.Tests.Notifications;

public sealed class WebhookTests
{
    private const string Secret = "whsec_test_5d1f0c";
    private static readonly object NeedsApproval = new { command = "kubectl delete deployment web -n staging", cwd = "/home/dev/app" };

    private static Func<GatewayOptions, GatewayOptions> With(WebhookReceiver receiver) => o => o with
    {
        WebhookUrl = receiver.Url,
        WebhookSecret = Secret,
        // Small backoff so retries take milliseconds; the attempt count and the schedule's shape are the defaults'.
        Webhook = new WebhookSettings { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(200), AttemptTimeout = TimeSpan.FromSeconds(5) },
    };

    private static async Task<string> RequestApprovalAsync(GatewayFixture gw, string agent)
    {
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, NeedsApproval);
        Assert.Equal(200, status);
        Assert.Equal("require_approval", body.GetProperty("decision").GetString());
        return body.GetProperty("approval").GetProperty("id").GetString()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_pending_approval_and_its_approval_are_delivered_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gw = await GatewayFixture.StartAsync(With(receiver));
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");

        var approvalId = await RequestApprovalAsync(gw, agent);
        var pending = await receiver.WaitForAsync(r => r.Event == "approval.pending");
        Assert.True(ReceiverVerifier.Verify(Secret, pending, DateTimeOffset.UtcNow), "the signature of approval.pending verifies with the secret");
        var json = pending.Json;
        Assert.Equal("approval.pending", json.GetProperty("type").GetString());
        Assert.Equal(pending.Delivery, json.GetProperty("id").GetString());
        var approval = json.GetProperty("approval");
        Assert.Equal(approvalId, approval.GetProperty("id").GetString());
        Assert.Equal("pending", approval.GetProperty("status").GetString());
        Assert.Equal("deployer", approval.GetProperty("agent").GetString());
        Assert.Contains("kubectl delete deployment web", approval.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(approval.GetProperty("reasons").EnumerateArray());
        Assert.Equal(1, approval.GetProperty("approvals_required").GetInt32());
        Assert.Empty(approval.GetProperty("votes").EnumerateArray());
        Assert.Equal($"{gw.Url}/approvals/{approvalId}", approval.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("actor").ValueKind);

        var (status, _) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{approvalId}/approve", reviewer, new { reason = "staging, fine", confirm = "approve" });
        Assert.Equal(200, status);
        var approved = await receiver.WaitForAsync(r => r.Event == "approval.approved");
        Assert.True(ReceiverVerifier.Verify(Secret, approved, DateTimeOffset.UtcNow));
        var aj = approved.Json;
        Assert.Equal(approvalId, aj.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal("approved", aj.GetProperty("approval").GetProperty("status").GetString());
        Assert.Equal("alice", aj.GetProperty("actor").GetString());
        Assert.Equal("staging, fine", aj.GetProperty("reason").GetString());
        var vote = Assert.Single(aj.GetProperty("approval").GetProperty("votes").EnumerateArray());
        Assert.Equal("alice", vote.GetProperty("reviewer").GetString());
        Assert.True(vote.GetProperty("approved").GetBoolean());
        Assert.NotEqual(pending.Delivery, approved.Delivery);
        // Order per approval: pending was received before approved.
        var events = receiver.Received.Select(r => r.Event).ToList();
        Assert.True(events.IndexOf("approval.pending") < events.IndexOf("approval.approved"));

        // The receiver records a request before the sender has read the reply and counted it.
        await WaitUntilAsync(() => gw.Host.Services.Metrics.Webhooks!.Delivered == 2, "both deliveries to be counted");
        var metrics = await gw.Http.GetStringAsync("metrics");
        Assert.Contains("interlock_webhook_deliveries_total{result=\"delivered\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_503s_are_retried_with_the_same_delivery_id_and_the_third_attempt_is_accepted_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync(n => n <= 2 ? 503 : 200);
        await using var gw = await GatewayFixture.StartAsync(With(receiver));
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        var approvalId = await RequestApprovalAsync(gw, agent);

        var counters = gw.Host.Services.Metrics.Webhooks!;
        await WaitUntilAsync(() => counters.Delivered == 1, "the delivery to be accepted");
        var all = receiver.Received;
        Assert.Equal([503, 503, 200], all.Select(r => r.Answered));
        Assert.Single(all, r => r.Answered == 200);
        Assert.Single(all.Select(r => r.Delivery).Distinct());
        Assert.All(all, r => Assert.Equal(all[0].Body, r.Body));
        Assert.All(all, r => Assert.True(ReceiverVerifier.Verify(Secret, r, DateTimeOffset.UtcNow)));
        Assert.Equal(approvalId, all[2].Json.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal(2, counters.Retries);
        Assert.Equal(0, counters.Failed);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 400);
        await using var gw = await GatewayFixture.StartAsync(With(receiver));
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        await RequestApprovalAsync(gw, agent);

        var counters = gw.Host.Services.Metrics.Webhooks!;
        await WaitUntilAsync(() => counters.Failed == 1, "the delivery to be given up");
        Assert.Single(receiver.Received);
        Assert.Equal(0, counters.Retries);
        Assert.Equal(0, counters.Delivered);
    }

    [Fact]
    public async Task Every_attempt_failing_gives_up_after_the_maximum_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 500);
        await using var gw = await GatewayFixture.StartAsync(o => With(receiver)(o) with
        {
            Webhook = new WebhookSettings { MaxAttempts = 4, RetryDelay = TimeSpan.FromMilliseconds(5), MaxRetryDelay = TimeSpan.FromMilliseconds(20) },
        });
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        await RequestApprovalAsync(gw, agent);

        var counters = gw.Host.Services.Metrics.Webhooks!;
        await WaitUntilAsync(() => counters.Failed == 1, "the delivery to be given up");
        Assert.Equal(4, receiver.Received.Count);
        Assert.Equal(3, counters.Retries);
    }

    [Fact]
    public async Task A_wrong_secret_a_changed_body_or_a_stale_timestamp_fail_verification()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gw = await GatewayFixture.StartAsync(With(receiver));
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        await RequestApprovalAsync(gw, agent);
        var hook = await receiver.WaitForAsync(r => r.Event == "approval.pending");
        var now = DateTimeOffset.UtcNow;

        Assert.True(ReceiverVerifier.Verify(Secret, hook, now));
        Assert.False(ReceiverVerifier.Verify("whsec_someone_else", hook, now));
        Assert.False(ReceiverVerifier.Verify(Secret, hook with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(hook.Body).Replace("deployer", "intruder", StringComparison.Ordinal)) }, now));
        Assert.False(ReceiverVerifier.Verify(Secret, hook with { Timestamp = (long.Parse(hook.Timestamp!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }, now));
        Assert.False(ReceiverVerifier.Verify(Secret, hook, now.AddMinutes(10)));
        // The server's own signer agrees with the receiver's independent computation.
        Assert.Equal(hook.Signature, WebhookSignature.Sign(Secret, long.Parse(hook.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), hook.Body));
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_never_holds_up_decisions_and_a_full_queue_drops_and_counts()
    {
        var hold = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync(_ => hold.Task);
        await using var gw = await GatewayFixture.StartAsync(o => With(receiver)(o) with
        {
            // One lane holding one waiting event: the first event is in flight, the second waits, the third has no room.
            Webhook = new WebhookSettings { Lanes = 1, QueueCapacity = 1, AttemptTimeout = TimeSpan.FromMinutes(5), DrainTimeout = TimeSpan.FromMilliseconds(100) },
        });
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        var counters = gw.Host.Services.Metrics.Webhooks!;

        await RequestApprovalAsync(gw, agent);
        await WaitUntilAsync(() => receiver.Arrivals == 1, "the first delivery to reach the receiver");
        foreach (var command in new[] { "kubectl delete deployment api -n staging", "kubectl delete deployment worker -n staging" })
        {
            var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app" });
            Assert.Equal(200, status);
            Assert.Equal("require_approval", body.GetProperty("decision").GetString());
        }
        // Both decisions returned while the receiver still holds the first delivery unanswered.
        Assert.Equal(1, receiver.Arrivals);
        Assert.Empty(receiver.Received);
        Assert.Equal(1, counters.Dropped);
        var metrics = await gw.Http.GetStringAsync("metrics");
        Assert.Contains("interlock_webhook_deliveries_total{result=\"dropped\"} 1", metrics, StringComparison.Ordinal);
        hold.SetResult(200);
        await WaitUntilAsync(() => counters.Delivered == 2, "the held and the queued deliveries to be accepted");
        Assert.Equal(1, counters.Dropped);
    }

    [Fact]
    public async Task A_denial_and_an_expiry_are_delivered_with_the_injected_clocks_timestamp()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gw = await GatewayFixture.StartAsync(o => With(receiver)(o) with { Time = clock, ApprovalTtl = TimeSpan.FromMinutes(10) });
        var agent = await gw.CreatePrincipalAsync("deployer", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");

        var denied = await RequestApprovalAsync(gw, agent);
        var (status, _) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{denied}/deny", reviewer, new { reason = "not during the freeze" });
        Assert.Equal(200, status);
        var deniedHook = await receiver.WaitForAsync(r => r.Event == "approval.denied");
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), deniedHook.Timestamp);
        Assert.True(ReceiverVerifier.Verify(Secret, deniedHook, clock.GetUtcNow()));
        Assert.Equal(denied, deniedHook.Json.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal("denied", deniedHook.Json.GetProperty("approval").GetProperty("status").GetString());
        Assert.Equal("not during the freeze", deniedHook.Json.GetProperty("reason").GetString());

        var (_, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "kubectl delete deployment api -n staging", cwd = "/home/dev/app" });
        var expiring = body.GetProperty("approval").GetProperty("id").GetString();
        await receiver.WaitForAsync(r => r.Event == "approval.pending" && r.Json.GetProperty("approval").GetProperty("id").GetString() == expiring);
        // Nothing in flight when the clock jumps, or the jump would also fire that attempt's timeout.
        await WaitUntilAsync(() => gw.Host.Services.Metrics.Webhooks!.Delivered == 3, "the three deliveries so far to be counted");
        clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await receiver.WaitForAsync(r => r.Event == "approval.expired");
        Assert.Equal(expiring, expired.Json.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal("expired", expired.Json.GetProperty("approval").GetProperty("status").GetString());
        Assert.True(ReceiverVerifier.Verify(Secret, expired, clock.GetUtcNow()));
    }
}
