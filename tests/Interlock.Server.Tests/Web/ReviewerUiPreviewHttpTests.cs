using System.Net;
using Interlock.Previews;
using Interlock.Server.Web;

namespace Interlock.Server.Tests.Web;

/// <summary>The redesigned approval page and queue at the HTTP level: previews shown, typed confirmation enforced by the server.</summary>
public sealed partial class ReviewerUiHttpTests
{
    [Fact]
    public async Task Approving_an_irreversible_action_from_the_page_is_refused_until_the_word_is_typed()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        // kubectl delete on shared state: irreversible, critical.
        var id = await PendingApprovalAsync(gw, agent);
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);
        var (_, page, _) = await b.GetAsync($"approvals/{id}");
        Assert.Contains("<div class=\"confirm\"><label for=\"confirm\">Type <code class=\"word\">approve</code> to approve", page, StringComparison.Ordinal);
        Assert.Contains("name=\"confirm\" required pattern=\"approve\"", page, StringComparison.Ordinal);
        Assert.Contains("formaction=\"/approvals/" + id + "/deny\" formnovalidate", page, StringComparison.Ordinal);

        foreach (var typed in new[] { null, "", "Approve", "approved", "yes" })
        {
            var fields = new List<(string, string)> { ("_csrf", Browser.Csrf(page)), ("reason", "fine") };
            if (typed is not null) fields.Add(("confirm", typed));
            var (status, _, response) = await b.PostAsync($"approvals/{id}/approve", [.. fields]);
            Assert.Equal(HttpStatusCode.SeeOther, status);
            Assert.Equal($"/approvals/{id}", response.Headers.Location!.OriginalString);
            (_, page, _) = await b.GetAsync($"approvals/{id}");
            Assert.Contains("Not recorded: this action cannot be undone or its blast radius is critical; type approve to approve it.", page, StringComparison.Ordinal);
            var (_, api) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer);
            Assert.Equal("pending", api.GetProperty("status").GetString());
            Assert.Equal(0, api.GetProperty("votes").GetArrayLength());
        }

        // Deny needs no word; approve with it (spaces around are forgiven) is recorded.
        var (_, _, ok) = await b.PostAsync($"approvals/{id}/approve", ("_csrf", Browser.Csrf(page)), ("reason", "fine"), ("confirm", " approve "));
        Assert.Equal($"/approvals/{id}", ok.Headers.Location!.OriginalString);
        var (_, after) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer);
        Assert.Equal("approved", after.GetProperty("status").GetString());
        Assert.Equal("alice", Assert.Single(after.GetProperty("votes").EnumerateArray()).GetProperty("reviewer").GetString());
    }

    [Fact]
    public async Task A_reversible_action_is_approved_with_a_click_and_a_deny_never_needs_the_word()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        // A plain push to the shared remote: high, but reversible: no word.
        var reversible = await PendingApprovalAsync(gw, agent, new { command = "git push origin main", cwd = "/home/dev/infra" });
        var critical = await PendingApprovalAsync(gw, agent);
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);
        var (_, page, _) = await b.GetAsync($"approvals/{reversible}");
        Assert.DoesNotContain("name=\"confirm\"", page, StringComparison.Ordinal);
        await b.PostAsync($"approvals/{reversible}/approve", ("_csrf", Browser.Csrf(page)), ("reason", ""));
        Assert.Equal("approved", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{reversible}", reviewer)).Body.GetProperty("status").GetString());

        await b.PostAsync($"approvals/{critical}/deny", ("_csrf", Browser.Csrf(page)), ("reason", "not today"));
        Assert.Equal("denied", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{critical}", reviewer)).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_page_shows_the_blast_radius_dimensions_lost_commits_an_incomplete_preview_and_a_diff_and_the_queue_the_headline()
    {
        await using var gw = await PreviewedApprovals.StartAsync();
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var push = await PreviewedApprovals.RequestAsync(gw, "deploy-bot", PreviewedApprovals.ForcePush,
            PreviewedApprovals.ForcePushPreview, Preview.Unfinished("files", "time budget of 3 s ran out"));
        var patch = await PreviewedApprovals.RequestAsync(gw, "deploy-bot", "git apply fix.patch", new Preview
        {
            Previewer = "files", Headline = "changes 1 file (2 lines)", Count = 1, Unit = "files", Bytes = 2048,
            Items = [new("file", "src/app.py", "tracked"), new("mode", "src/run.sh", "644 → 755")], Diff = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-retries = 1\n+retries = 3",
        });
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);

        var (status, page, _) = await b.GetAsync($"approvals/{push.Approval!.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<pre class=\"cmdline\" aria-label=\"command\">git push --force-with-lease origin feature/login</pre>", page, StringComparison.Ordinal);
        // Three dimensions and the level: the preview's 3 commits are the counted scope; irreversible (the preview said so, and one preview is incomplete).
        Assert.Contains("<dt>Scope</dt><dd><strong>3 commits</strong> · workspace</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Reversibility</dt><dd><span class=\"b b-irreversible\">irreversible</span></dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Coupling</dt><dd><span class=\"muted\">none mapped</span></dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Blast radius</dt><dd><span class=\"b b-high\">high</span></dd>", page, StringComparison.Ordinal);
        Assert.Contains("<strong>force push loses 3 commits on origin/feature/login</strong>", page, StringComparison.Ordinal);
        // All items are commits: the headline says so and no per-item label repeats it.
        foreach (var c in PreviewedApprovals.LostCommits)
            Assert.Contains($"<li><span class=\"mono\">{WebUtility.HtmlEncode(c.Text)}</span> <span class=\"muted\">only on origin/feature/login</span></li>", page, StringComparison.Ordinal);
        Assert.Contains("<section class=\"preview incomplete\" aria-label=\"Preview by files\">", page, StringComparison.Ordinal);
        Assert.Contains("<strong>Incomplete preview</strong>: time budget of 3 s ran out. It may not show everything", page, StringComparison.Ordinal);
        Assert.Contains("pushes to the shared remote are reviewed by a person (rule reviewed-pushes)", page, StringComparison.Ordinal);
        // The first screen's parts come before the metadata, the answer form among them.
        var order = new[] { "aria-label=\"command\"", "aria-label=\"Blast radius\"", "force push loses 3 commits", "Why it needs review", ">Approve</button>", "Request details", "Approval id</dt>", "Policy hash" }
            .Select(t => page.IndexOf(t, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);

        (_, page, _) = await b.GetAsync($"approvals/{patch.Approval!.Id}");
        // The encoder writes '+' as a character reference; the browser shows it as '+'.
        Assert.Contains("<pre class=\"diff capped\" tabindex=\"0\" aria-label=\"Diff\"><span class=\"h\">--- a/src/app.py</span>\n<span class=\"h\">&#x2B;&#x2B;&#x2B; b/src/app.py</span>\n<span class=\"h\">@@ -1 &#x2B;1 @@</span>\n<span class=\"del\">-retries = 1</span>\n<span class=\"add\">&#x2B;retries = 3</span></pre>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"muted\">2 KiB</span>", page, StringComparison.Ordinal);
        // Mixed kinds keep their labels.
        Assert.Contains("<li><span class=\"kind\">file</span> <span class=\"mono\">src/app.py</span> <span class=\"muted\">tracked</span></li><li><span class=\"kind\">mode</span> <span class=\"mono\">src/run.sh</span> <span class=\"muted\">644 → 755</span></li>", page, StringComparison.Ordinal);

        var (_, queue, _) = await b.GetAsync("fragments/queue");
        Assert.Contains("force push loses 3 commits on origin/feature/login</a> <span class=\"b b-incomplete\">incomplete preview</span><code class=\"sub\">git push --force-with-lease origin feature/login</code>", queue, StringComparison.Ordinal);
        Assert.Contains("changes 1 file (2 lines)</a><code class=\"sub\">git apply fix.patch</code>", queue, StringComparison.Ordinal);
        Assert.DoesNotContain("write with confirmation", queue, StringComparison.Ordinal);
        // Each row its own level: the force push high (irreversible, from its preview), the patch low.
        Assert.Matches("force push loses 3 commits(.|\n)*<td data-label=\"Blast radius\"><span class=\"b b-high\">high</span></td>(.|\n)*changes 1 file(.|\n)*<td data-label=\"Blast radius\"><span class=\"b b-low\">low</span></td>", queue);
    }

    [Fact]
    public async Task The_queue_shows_each_rows_environment_and_level_and_the_commands_first_line_without_a_preview()
    {
        await using var gw = await GatewayFixture.StartAsync(o => o with { Previews = new() { Enabled = false } });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        await PendingApprovalAsync(gw, agent);
        await PendingApprovalAsync(gw, agent, new { command = "terraform apply\necho done", cwd = "/home/dev/infra" });
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);
        var (_, queue, _) = await b.GetAsync("fragments/queue");
        Assert.Contains("<code>kubectl delete deployment web -n staging</code></a></td>\n<td data-label=\"Environment\"><span class=\"b b-staging\">staging</span></td>\n<td data-label=\"Blast radius\"><span class=\"b b-critical\">critical</span></td>", queue, StringComparison.Ordinal);
        Assert.Contains("<code>terraform apply …</code></a></td>\n<td data-label=\"Environment\"><span class=\"muted\">not detected</span></td>\n<td data-label=\"Blast radius\"><span class=\"b b-critical\">critical</span></td>", queue, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("critical", "reversible", new string[0], "approve")]
    [InlineData("high", "irreversible", new[] { "orders-db", "reports" }, "orders-db")]
    [InlineData("medium", "recoverable", new[] { "orders-db" }, null)]
    [InlineData("high", "reversible", new string[0], null)]
    [InlineData("critical", "irreversible", new[] { "my db" }, "approve")]
    public void The_word_is_the_first_mapped_resource_or_approve_and_only_for_irreversible_or_critical_actions(string level, string reversibility, string[] resources, string? word)
    {
        Assert.Equal(word, TypedConfirmation.Word([new StepFacts { BlastLevel = level, Reversibility = reversibility, Resources = resources }]));
        Assert.Equal(word, TypedConfirmation.Word([new StepFacts { BlastLevel = "low", Reversibility = "reversible" }, new StepFacts { BlastLevel = level, Reversibility = reversibility, Resources = resources }]));
    }

    [Fact]
    public void The_pattern_escapes_regular_expression_syntax_only()
    {
        Assert.Equal(@"db\.prod-1\/x\(y\)", TypedConfirmation.Pattern("db.prod-1/x(y)"));
        Assert.Equal("feature_login", TypedConfirmation.Pattern("feature_login"));
    }
}
