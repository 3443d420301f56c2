using System.Globalization;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Server.Gateway;
using Interlock.Storage;
using Interlock.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>Reading and verifying the audit log (auditors and admins). There is no endpoint that writes or deletes a record.</summary>
public static class AuditEndpoints
{
    public static void Map(WebApplication app, GatewayServices s)
    {
        app.MapGet("/v1/audit", (Delegate)((HttpContext c) => ListAsync(c, s)));
        app.MapGet("/v1/audit/verify", (Delegate)((HttpContext c) => VerifyAsync(c, s)));
        app.MapGet("/v1/audit/export", (Delegate)((HttpContext c) => ExportAsync(c, s)));
        app.MapGet("/v1/audit/checkpoints", (Delegate)((HttpContext c) => CheckpointsAsync(c, s)));
    }

    private static bool TryLong(string text, out long value) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>The filter of an audit listing from its query string, or the problem with it.</summary>
    public static (AuditQuery? Query, ApiProblem? Problem) ParseQuery(IQueryCollection q)
    {
        ArgumentNullException.ThrowIfNull(q);
        long after = 0;
        var text = q["after"].ToString();
        if (text.Length > 0 && !TryLong(text, out after)) return (null, ApiProblem.BadRequest($"query 'after' must be a sequence number; got '{text}'"));
        long? before = null;
        text = q["before"].ToString();
        if (text.Length > 0)
        {
            if (!TryLong(text, out var b)) return (null, ApiProblem.BadRequest($"query 'before' must be a sequence number; got '{text}'"));
            before = b;
        }
        var limit = 100L;
        text = q["limit"].ToString();
        if (text.Length > 0 && (!TryLong(text, out limit) || limit is < 1 or > 1000)) return (null, ApiProblem.BadRequest($"query 'limit' must be a whole number from 1 to 1000; got '{text}'"));
        AuditKind? kind = null;
        text = q["kind"].ToString();
        if (text.Length > 0)
        {
            if (!AuditKinds.TryParse(text, out var k)) return (null, ApiProblem.BadRequest($"query 'kind' must be decision, approval, result, expiry or note; got '{text}'"));
            kind = k;
        }
        string? Opt(string name) => q[name].ToString() is { Length: > 0 } v ? v : null;
        return (new AuditQuery { After = after, Before = before, Limit = (int)limit, Kind = kind, Agent = Opt("agent"), ActionId = Opt("action"), Newest = q["order"] == "newest" }, null);
    }

    private static async Task<IResult> ListAsync(HttpContext c, GatewayServices s)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Auditor, Role.Admin).ConfigureAwait(false);
        if (principal is null) return denied!;
        var (query, problem) = ParseQuery(c.Request.Query);
        if (query is null) return problem!;
        var records = await s.Audit.QueryAsync(query, c.RequestAborted).ConfigureAwait(false);
        var head = await s.Audit.HeadAsync(c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new { records = records.Select(ApiViews.Record).ToList(), head = new { sequence = head.Sequence, hash = head.Hash } });
    }

    /// <summary>Verifies the whole chain and its checkpoints as stored on disk now.</summary>
    public static AuditVerification Verify(GatewayServices s) => SqliteAuditStore.Verify(s.Options.DataDirectory);

    private static async Task<IResult> VerifyAsync(HttpContext c, GatewayServices s)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Auditor, Role.Admin).ConfigureAwait(false);
        if (principal is null) return denied!;
        var v = await Task.Run(() => Verify(s), c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new { ok = v.Ok, records = v.Records, head = v.Head, checkpoints_verified = v.CheckpointsVerified, first_bad_sequence = v.FirstBadSequence, problem = v.Problem });
    }

    private static async Task ExportAsync(HttpContext c, GatewayServices s)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Auditor, Role.Admin).ConfigureAwait(false);
        if (principal is null)
        {
            await denied!.ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        c.Response.ContentType = "application/x-ndjson";
        c.Response.Headers.ContentDisposition = "attachment; filename=\"interlock-audit.jsonl\"";
        // The export goes to a file first: SQLite reads are synchronous, and the response must not be half-written on error.
        var temp = Path.Combine(Path.GetTempPath(), "interlock-export-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            await using (var file = File.Create(temp))
                await SqliteAuditStore.ExportAsync(s.Options.DataDirectory, file).ConfigureAwait(false);
            await c.Response.SendFileAsync(temp, c.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<IResult> CheckpointsAsync(HttpContext c, GatewayServices s)
    {
        var (principal, denied) = await s.AuthorizeAsync(c, Role.Auditor, Role.Admin).ConfigureAwait(false);
        if (principal is null) return denied!;
        var (query, problem) = ParseQuery(c.Request.Query);
        if (query is null) return problem!;
        var list = await s.Audit.ReadCheckpointsAsync(query.After, query.Limit, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new
        {
            public_key = s.Audit.PublicKeyPem,
            checkpoints = list.Select(cp => new { sequence = cp.Sequence, head_hash = cp.HeadHash, time = cp.Time, key_id = cp.KeyId, signature = cp.Signature }).ToList(),
        });
    }
}
