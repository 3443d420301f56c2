using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Builder;

namespace Interlock.Server.Api;

/// <summary>Maps the JSON API: <c>/v1/…</c>, <c>/healthz</c>, <c>/metrics</c>, <c>/openapi.json</c>.</summary>
public static class ApiEndpoints
{
    public static void Map(WebApplication app, GatewayServices services)
    {
        EvaluateEndpoints.Map(app, services);
        HookEndpoints.Map(app, services);
        ApprovalEndpoints.Map(app, services);
        PrincipalEndpoints.Map(app, services);
        AuditEndpoints.Map(app, services);
        SystemEndpoints.Map(app, services);
    }
}
