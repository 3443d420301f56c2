using System.Text.RegularExpressions;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>Principals and tokens (admin only): create, list, rotate, revoke. A token is shown once, when made.</summary>
public static partial class PrincipalEndpoints
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex NamePattern();

    public static void Map(WebApplication app, GatewayServices s)
    {
        app.MapPost("/v1/principals", (Delegate)((HttpContext c) => CreateAsync(c, s)));
        app.MapGet("/v1/principals", (Delegate)((HttpContext c) => ListAsync(c, s)));
        app.MapPost("/v1/principals/{id}/rotate", (HttpContext c, string id) => RotateAsync(c, s, id));
        app.MapPost("/v1/principals/{id}/revoke", (HttpContext c, string id) => RevokeAsync(c, s, id));
    }

    private static async Task<IResult> CreateAsync(HttpContext c, GatewayServices s)
    {
        var (admin, denied) = await s.AuthorizeAsync(c, Role.Admin).ConfigureAwait(false);
        if (admin is null) return denied!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            var root = doc.RootElement;
            if (ApiJson.UnknownField(root, "name", "role", "ttl") is { } unknown) return unknown;
            var (name, p1) = ApiJson.OptionalString(root, "name", 64);
            if (p1 is not null) return p1;
            if (name is null || !NamePattern().IsMatch(name))
                return ApiProblem.BadRequest("field 'name' is required: 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
            var (roleText, p2) = ApiJson.OptionalString(root, "role", 32);
            if (p2 is not null) return p2;
            if (!Roles.TryParse(roleText, out var role)) return ApiProblem.BadRequest($"field 'role' must be agent, reviewer, auditor or admin; got '{roleText}'");
            var (ttl, p3) = ParseTtl(root, s);
            if (p3 is not null) return p3;
            var token = AccessTokens.Create();
            var now = s.Time.GetUtcNow();
            var principal = new Principal
            {
                Id = AccessTokens.NewId("prn_"), Name = name, Role = role, TokenHash = AccessTokens.Hash(token),
                CreatedAt = AuditCanonical.Truncate(now), ExpiresAt = AuditCanonical.Truncate(now + ttl),
            };
            if (!await s.Principals.CreateAsync(principal, c.RequestAborted).ConfigureAwait(false))
                return ApiProblem.Conflict($"a principal named '{name}' already exists");
            await RecordAsync(s, admin, $"principal {principal.Name} ({principal.Role.WireName()}, {principal.Id}) created, expires {principal.ExpiresAt:O}", c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(ApiViews.Principal(principal, token), 201);
        }
    }

    /// <summary>Changes to who may act are part of the record too.</summary>
    private static async Task RecordAsync(GatewayServices s, Principal admin, string text, CancellationToken cancellationToken) =>
        await s.Audit.AppendAsync(AuditEntry.Note(text, agent: admin.Name), cancellationToken).ConfigureAwait(false);

    private static (TimeSpan Ttl, ApiProblem? Problem) ParseTtl(System.Text.Json.JsonElement root, GatewayServices s)
    {
        if (!root.TryGetProperty("ttl", out var ttlEl) || ttlEl.ValueKind == System.Text.Json.JsonValueKind.Null) return (s.Options.DefaultTokenTtl, null);
        string? text = ttlEl.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => ttlEl.GetString(),
            System.Text.Json.JsonValueKind.Number when ttlEl.TryGetInt64(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        if (text is null) return (default, ApiProblem.BadRequest("field 'ttl' must be a duration such as \"24h\" or \"30d\", or a number of seconds"));
        var (value, error) = Durations.Parse(text);
        return error is null ? (value, null) : (default, ApiProblem.BadRequest("field 'ttl': " + error));
    }

    private static async Task<IResult> ListAsync(HttpContext c, GatewayServices s)
    {
        var (admin, denied) = await s.AuthorizeAsync(c, Role.Admin).ConfigureAwait(false);
        if (admin is null) return denied!;
        var list = await s.Principals.ListAsync(c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new { principals = list.Select(p => ApiViews.Principal(p)).ToList() });
    }

    private static async Task<IResult> RotateAsync(HttpContext c, GatewayServices s, string id)
    {
        var (admin, denied) = await s.AuthorizeAsync(c, Role.Admin).ConfigureAwait(false);
        if (admin is null) return denied!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes, allowEmpty: true).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            if (ApiJson.UnknownField(doc.RootElement, "ttl") is { } unknown) return unknown;
            var (ttl, p) = ParseTtl(doc.RootElement, s);
            if (p is not null) return p;
            var existing = await s.Principals.FindAsync(id, c.RequestAborted).ConfigureAwait(false);
            if (existing is null) return ApiProblem.NotFound($"no principal '{id}'");
            if (existing.RevokedAt is not null) return ApiProblem.Conflict($"principal '{existing.Name}' is revoked; create a new one");
            var token = AccessTokens.Create();
            var rotated = existing with { TokenHash = AccessTokens.Hash(token), ExpiresAt = AuditCanonical.Truncate(s.Time.GetUtcNow() + ttl) };
            await s.Principals.UpdateAsync(rotated, c.RequestAborted).ConfigureAwait(false);
            s.Tokens.Invalidate();
            await RecordAsync(s, admin, $"principal {rotated.Name} ({rotated.Id}) token rotated, expires {rotated.ExpiresAt:O}", c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(ApiViews.Principal(rotated, token));
        }
    }

    private static async Task<IResult> RevokeAsync(HttpContext c, GatewayServices s, string id)
    {
        var (admin, denied) = await s.AuthorizeAsync(c, Role.Admin).ConfigureAwait(false);
        if (admin is null) return denied!;
        var existing = await s.Principals.FindAsync(id, c.RequestAborted).ConfigureAwait(false);
        if (existing is null) return ApiProblem.NotFound($"no principal '{id}'");
        var now = s.Time.GetUtcNow();
        if (existing.Role == Role.Admin)
        {
            var admins = (await s.Principals.ListAsync(c.RequestAborted).ConfigureAwait(false)).Count(p => p.Role == Role.Admin && p.Unusable(now) is null);
            if (admins <= 1 && existing.Unusable(now) is null) return ApiProblem.Conflict("this is the last usable admin; create another admin before revoking it");
        }
        var revoked = existing.RevokedAt is null ? existing with { RevokedAt = AuditCanonical.Truncate(now) } : existing;
        await s.Principals.UpdateAsync(revoked, c.RequestAborted).ConfigureAwait(false);
        s.Tokens.Invalidate();
        await RecordAsync(s, admin, $"principal {revoked.Name} ({revoked.Id}) revoked", c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(ApiViews.Principal(revoked));
    }
}
