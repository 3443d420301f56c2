using System.Globalization;
using Interlock.Approvals;
using Interlock.Identity;
using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>The approval queue: reviewers list, read and answer requests; an agent reads and withdraws its own.</summary>
public static class ApprovalEndpoints
{
    public static void Map(WebApplication app, GatewayServices s)
    {
        app.MapGet("/v1/approvals", (Delegate)((HttpContext c) => ListAsync(c, s)));
        app.MapGet("/v1/approvals/{id}", (HttpContext c, string id) => GetAsync(c, s, id));
        app.MapPost("/v1/approvals/{id}/approve", (HttpContext c, string id) => AnswerAsync(c, s, id, approve: true));
        app.MapPost("/v1/approvals/{id}/deny", (HttpContext c, string id) => AnswerAsync(c, s, id, approve: false));
        app.MapPost("/v1/approvals/{id}/withdraw", (HttpContext c, string id) => WithdrawAsync(c, s, id));
    }

    private static async Task<IResult> ListAsync(HttpContext c, GatewayServices s)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Reviewer, Role.Admin, Role.Auditor, Role.Agent).ConfigureAwait(false);
        if (principal is null) return denied!;
        ApprovalStatus? status = null;
        var statusText = c.Request.Query["status"].ToString();
        if (statusText.Length > 0)
        {
            if (!ApprovalStatuses.TryParse(statusText, out var parsed))
                return ApiProblem.BadRequest($"query 'status' must be pending, approved, denied, expired, used or withdrawn; got '{statusText}'");
            status = parsed;
        }
        var limit = 100;
        var limitText = c.Request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
            return ApiProblem.BadRequest($"query 'limit' must be a whole number from 1 to 1000; got '{limitText}'");
        // An agent sees only its own requests.
        var agent = principal.Role == Role.Agent ? principal.Name : NullIfEmpty(c.Request.Query["agent"].ToString());
        var list = await s.Approvals.ListAsync(status, agent, limit, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new { approvals = list.Select(r => ApiViews.Approval(s, r)).ToList() });
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static async Task<IResult> GetAsync(HttpContext c, GatewayServices s, string id)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Reviewer, Role.Admin, Role.Auditor, Role.Agent).ConfigureAwait(false);
        if (principal is null) return denied!;
        var request = await s.Approvals.GetAsync(id, c.RequestAborted).ConfigureAwait(false);
        if (request is null || (principal.Role == Role.Agent && request.Agent != principal.Name)) return ApiProblem.NotFound($"no approval '{id}'");
        return ApiJson.Ok(ApiViews.Approval(s, request));
    }

    private static async Task<IResult> AnswerAsync(HttpContext c, GatewayServices s, string id, bool approve)
    {
        var (reviewer, denied) = await s.AuthorizeAsync(c, Role.Reviewer).ConfigureAwait(false);
        if (reviewer is null) return denied!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes, allowEmpty: approve).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            if (ApiJson.UnknownField(doc.RootElement, "reason", "confirm") is { } unknown) return unknown;
            var (reason, bad) = ApiJson.OptionalString(doc.RootElement, "reason", 2000);
            if (bad is not null) return bad;
            var (confirm, badConfirm) = ApiJson.OptionalString(doc.RootElement, "confirm", 200);
            if (badConfirm is not null) return badConfirm;
            return await AnswerAsync(s, reviewer, id, approve, reason, c.RequestAborted, confirm).ConfigureAwait(false);
        }
    }

    /// <summary>The requesting agent takes back its pending request (its MCP client cancelled the call); no body.</summary>
    private static async Task<IResult> WithdrawAsync(HttpContext c, GatewayServices s, string id)
    {
        var (agent, denied) = await s.AuthorizeAsync(c, Role.Agent).ConfigureAwait(false);
        if (agent is null) return denied!;
        // Another agent's request is not found, as for GET: an agent cannot learn which ids exist.
        var request = await s.Approvals.GetAsync(id, c.RequestAborted).ConfigureAwait(false);
        if (request is null || request.Agent != agent.Name) return ApiProblem.NotFound($"no approval '{id}'");
        var change = await s.Approvals.WithdrawAsync(id, agent, c.RequestAborted).ConfigureAwait(false);
        if (change.Ok) return ApiJson.Ok(ApiViews.Approval(s, change.Request!));
        return change.Refusal switch
        {
            ApprovalRefusal.Forbidden => ApiProblem.Forbidden(change.Problem!),
            ApprovalRefusal.Conflict => ApiProblem.Conflict(change.Problem!),
            _ => ApiProblem.NotFound(change.Problem!),
        };
    }

    /// <summary>
    /// Records a reviewer's answer; shared by the API and the web UI's form. Approving an action that cannot be undone
    /// or whose blast radius is critical needs the typed word (<see cref="Web.TypedConfirmation"/>) as <paramref name="confirm"/>.
    /// </summary>
    public static async Task<IResult> AnswerAsync(GatewayServices s, Principal reviewer, string id, bool approve, string? reason, CancellationToken cancellationToken, string? confirm = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (approve && await MissingConfirmationAsync(s, reviewer, id, reason, confirm, cancellationToken).ConfigureAwait(false) is { } word)
            return ApiProblem.BadRequest($"this action cannot be undone or its blast radius is critical: approve it with \"confirm\": \"{word}\"");
        var change = await s.Approvals.VoteAsync(id, reviewer, approve, reason, cancellationToken).ConfigureAwait(false);
        if (change.Ok) return ApiJson.Ok(ApiViews.Approval(s, change.Request!));
        return change.Refusal switch
        {
            ApprovalRefusal.Forbidden => ApiProblem.Forbidden(change.Problem!),
            ApprovalRefusal.Conflict => ApiProblem.Conflict(change.Problem!),
            _ when change.Problem!.StartsWith("no approval", StringComparison.Ordinal) => ApiProblem.NotFound(change.Problem),
            _ => ApiProblem.BadRequest(change.Problem!),
        };
    }

    /// <summary>
    /// The word approving <paramref name="id"/> needs when <paramref name="confirm"/> is not it, else null. Asked only of
    /// a vote the workflow would record, so a stale request or a non-reviewer hears the real reason instead.
    /// </summary>
    public static async Task<string?> MissingConfirmationAsync(GatewayServices s, Principal reviewer, string id, string? reason, string? confirm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        return await s.Approvals.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } asked
            && ApprovalWorkflow.Vote(asked, reviewer, approve: true, reason, s.Time.GetUtcNow()).Ok
            && Web.TypedConfirmation.Word(asked) is { } word && !Web.TypedConfirmation.Matches(word, confirm)
            ? word : null;
    }
}
