using System.Text.Json;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Identity;

namespace Interlock.Core.Tests.Approvals;

public sealed class ApprovalWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Principal Person(string name, Role role = Role.Reviewer) => new()
    {
        Id = "prn_" + name, Name = name, Role = role, TokenHash = new string('0', 64), CreatedAt = T0, ExpiresAt = T0.AddDays(1),
    };

    private static ApprovalRequest Request(int required = 1, params string[] digests) => new()
    {
        Id = "apr_1",
        Agent = "bot",
        Steps = (digests.Length == 0 ? ["d1"] : digests).Select((d, i) => new ApprovalStep(d, "step " + i, "act_" + i)).ToList(),
        IsPlan = digests.Length > 1,
        Tier = "write_with_confirmation",
        PolicyHash = "h",
        ApprovalsRequired = required,
        CreatedAt = T0,
        ExpiresAt = T0.AddMinutes(30),
    };

    [Fact]
    public void Only_the_requesting_agent_withdraws_and_only_a_pending_request()
    {
        var at = T0.AddMinutes(1);
        foreach (var other in new[] { Person("alice"), Person("bot", Role.Reviewer), Person("bot2", Role.Agent), Person("root", Role.Admin) })
            Assert.Equal(ApprovalRefusal.Forbidden, ApprovalWorkflow.Withdraw(Request(), other, at).Refusal);
        var withdrawn = ApprovalWorkflow.Withdraw(Request(), Person("bot", Role.Agent), at);
        Assert.True(withdrawn.Ok);
        Assert.Equal(ApprovalStatus.Withdrawn, withdrawn.Request!.Status);
        Assert.Equal("withdrawn", withdrawn.Request.Status.WireName());
        Assert.Equal(at, withdrawn.Request.DecidedAt);
        // Final: no reviewer answers it afterwards, nothing uses it, it is not withdrawn twice.
        Assert.Equal(ApprovalRefusal.Conflict, ApprovalWorkflow.Vote(withdrawn.Request, Person("alice"), true, null, at).Refusal);
        Assert.Null(ApprovalWorkflow.Use(withdrawn.Request, "bot", "d1"));
        Assert.Equal(ApprovalRefusal.Conflict, ApprovalWorkflow.Withdraw(withdrawn.Request, Person("bot", Role.Agent), at).Refusal);
        Assert.Equal(ApprovalRefusal.Conflict, ApprovalWorkflow.Withdraw(Request(), Person("bot", Role.Agent), T0.AddHours(1)).Refusal);
        Assert.True(ApprovalStatuses.TryParse("withdrawn", out var parsed) && parsed == ApprovalStatus.Withdrawn);
    }

    [Fact]
    public void One_reviewer_approves_a_single_approval_request()
    {
        var change = ApprovalWorkflow.Vote(Request(), Person("alice"), approve: true, "looks fine", T0.AddMinutes(1));
        Assert.True(change.Ok);
        Assert.Equal(ApprovalStatus.Approved, change.Request!.Status);
        Assert.Equal(1, change.Request.Version);
        Assert.Equal(T0.AddMinutes(1), change.Request.DecidedAt);
    }

    [Fact]
    public void Two_of_two_needs_two_distinct_reviewers()
    {
        var first = ApprovalWorkflow.Vote(Request(required: 2), Person("alice"), true, null, T0);
        Assert.Equal(ApprovalStatus.Pending, first.Request!.Status);
        var again = ApprovalWorkflow.Vote(first.Request, Person("alice"), true, null, T0);
        Assert.Equal(ApprovalRefusal.Conflict, again.Refusal);
        Assert.Contains("already answered", again.Problem);
        var second = ApprovalWorkflow.Vote(first.Request, Person("bob"), true, null, T0);
        Assert.Equal(ApprovalStatus.Approved, second.Request!.Status);
    }

    [Fact]
    public void One_denial_ends_the_request_even_after_an_approval()
    {
        var first = ApprovalWorkflow.Vote(Request(required: 2), Person("alice"), true, null, T0);
        var denied = ApprovalWorkflow.Vote(first.Request!, Person("bob"), false, "not during the freeze", T0);
        Assert.Equal(ApprovalStatus.Denied, denied.Request!.Status);
        Assert.Equal("not during the freeze", denied.Request.DenyReason);
        Assert.Equal(ApprovalRefusal.Conflict, ApprovalWorkflow.Vote(denied.Request, Person("carol"), true, null, T0).Refusal);
    }

    [Fact]
    public void A_denial_needs_a_reason()
    {
        var change = ApprovalWorkflow.Vote(Request(), Person("alice"), false, "  ", T0);
        Assert.Equal(ApprovalRefusal.Invalid, change.Refusal);
        Assert.Contains("reason", change.Problem);
    }

    [Theory]
    [InlineData(Role.Agent)]
    [InlineData(Role.Auditor)]
    [InlineData(Role.Admin)]
    public void Only_reviewers_answer(Role role)
    {
        var change = ApprovalWorkflow.Vote(Request(), Person("x", role), true, null, T0);
        Assert.Equal(ApprovalRefusal.Forbidden, change.Refusal);
    }

    [Fact]
    public void The_requester_cannot_answer_its_own_request()
    {
        var change = ApprovalWorkflow.Vote(Request(), Person("bot"), true, null, T0);
        Assert.Equal(ApprovalRefusal.Forbidden, change.Refusal);
        Assert.Contains("requester", change.Problem);
    }

    [Fact]
    public void Nothing_changes_after_expiry_and_expiry_is_a_denial()
    {
        var request = Request();
        Assert.Null(ApprovalWorkflow.Expire(request, T0.AddMinutes(29)));
        var late = ApprovalWorkflow.Vote(request, Person("alice"), true, null, T0.AddMinutes(30));
        Assert.Equal(ApprovalRefusal.Conflict, late.Refusal);
        Assert.Contains("expired", late.Problem);
        var expired = ApprovalWorkflow.Expire(request, T0.AddMinutes(30))!;
        Assert.Equal(ApprovalStatus.Expired, expired.Status);
        Assert.Null(ApprovalWorkflow.Use(expired, "bot", "d1"));
    }

    [Fact]
    public void An_approval_is_used_once_by_its_agent_for_its_digest()
    {
        var approved = ApprovalWorkflow.Vote(Request(), Person("alice"), true, null, T0).Request!;
        Assert.Null(ApprovalWorkflow.Use(approved, "other-bot", "d1"));
        Assert.Null(ApprovalWorkflow.Use(approved, "bot", "d2"));
        var used = ApprovalWorkflow.Use(approved, "bot", "d1")!.Value;
        Assert.Equal(ApprovalStatus.Used, used.Request.Status);
        Assert.Null(ApprovalWorkflow.Use(used.Request, "bot", "d1"));
    }

    [Fact]
    public void A_plan_is_used_step_by_step_in_order()
    {
        var approved = ApprovalWorkflow.Vote(Request(1, "d1", "d2"), Person("alice"), true, null, T0).Request!;
        Assert.Equal("d1", approved.Digest);
        Assert.Null(ApprovalWorkflow.Use(approved, "bot", "d2"));
        var first = ApprovalWorkflow.Use(approved, "bot", "d1")!.Value;
        Assert.Equal(0, first.Step);
        Assert.Equal(ApprovalStatus.Approved, first.Request.Status);
        Assert.Equal("d2", first.Request.Digest);
        var second = ApprovalWorkflow.Use(first.Request, "bot", "d2")!.Value;
        Assert.Equal(1, second.Step);
        Assert.Equal(ApprovalStatus.Used, second.Request.Status);
    }
}

public sealed class ActionDigestTests
{
    private static ActionFacts Facts(ActionRequest r) => new ActionAnalyzer().Analyze(r);

    private static readonly ActionRequest Base = new() { Command = "kubectl delete deployment web -n staging", Cwd = "/home/dev/app", Agent = "bot" };

    [Fact]
    public void The_same_action_has_the_same_digest()
    {
        Assert.Equal(ActionDigest.Compute(Facts(Base)), ActionDigest.Compute(Facts(Base with { })));
        Assert.Matches("^[0-9a-f]{64}$", ActionDigest.Compute(Facts(Base)));
    }

    [Fact]
    public void Any_change_to_what_runs_where_or_as_whom_changes_the_digest()
    {
        var digest = ActionDigest.Compute(Facts(Base));
        ActionRequest[] variants =
        [
            Base with { Command = "kubectl delete deployment web -n prod" },
            Base with { Cwd = "/home/dev/other" },
            Base with { Agent = "other-bot" },
            Base with { RiskTags = ["destructive"] },
            Base with { Command = null, Tool = "mcp__k8s__delete", Source = ActionSource.Mcp, Arguments = JsonDocument.Parse("""{"name":"web"}""").RootElement },
        ];
        foreach (var v in variants) Assert.NotEqual(digest, ActionDigest.Compute(Facts(v)));
    }

    [Fact]
    public void Argument_key_order_does_not_matter_but_values_do()
    {
        ActionRequest Call(string json) => new() { Source = ActionSource.Mcp, Tool = "mcp__fs__write", Agent = "bot", Arguments = JsonDocument.Parse(json).RootElement };
        Assert.Equal(ActionDigest.Compute(Facts(Call("""{"a":1,"b":"x"}"""))), ActionDigest.Compute(Facts(Call("""{ "b": "x", "a": 1 }"""))));
        Assert.NotEqual(ActionDigest.Compute(Facts(Call("""{"a":1,"b":"x"}"""))), ActionDigest.Compute(Facts(Call("""{"a":2,"b":"x"}"""))));
    }
}
