using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary><c>/healthz</c>, <c>/metrics</c> and <c>/openapi.json</c>: no token needed, nothing secret in them.</summary>
public static class SystemEndpoints
{
    public static void Map(WebApplication app, GatewayServices s)
    {
        app.MapGet("/healthz", (Delegate)((HttpContext c) => HealthAsync(c, s)));
        app.MapGet("/metrics", (Delegate)((HttpContext c) => MetricsAsync(c, s)));
        app.MapGet("/openapi.json", () => Results.Text(OpenApiDocument.Value, "application/json"));
    }

    private static readonly Lazy<string> OpenApiDocument = new(() =>
    {
        using var stream = typeof(SystemEndpoints).Assembly.GetManifestResourceStream("Interlock.Server.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Whether the server can decide: the audit store accepts records.</summary>
    public static bool Healthy(GatewayServices s) => s.Audit.Fault is null;

    private static async Task<IResult> HealthAsync(HttpContext c, GatewayServices s)
    {
        var head = await s.Audit.HeadAsync(c.RequestAborted).ConfigureAwait(false);
        var healthy = Healthy(s);
        return ApiJson.Ok(new
        {
            status = healthy ? "ok" : "unhealthy",
            audit = new { ok = healthy, head_sequence = head.Sequence, problem = s.Audit.Fault?.Message },
            policy = new { hash = s.Policy.Hash, source = s.Policy.Source, reload_error = s.Policy.LastError },
        }, healthy ? 200 : 503);
    }

    private static async Task<IResult> MetricsAsync(HttpContext c, GatewayServices s)
    {
        var pending = await s.ApprovalStore.CountPendingAsync(c.RequestAborted).ConfigureAwait(false);
        var head = await s.Audit.HeadAsync(c.RequestAborted).ConfigureAwait(false);
        return Results.Text(s.Metrics.Render(pending, head.Sequence, Healthy(s)), "text/plain; version=0.0.4");
    }
}
