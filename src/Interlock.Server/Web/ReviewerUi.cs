using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Builder;

namespace Interlock.Server.Web;

/// <summary>The reviewer web UI at <c>/</c>: sign in, live queue, approval detail, audit page.</summary>
public static class ReviewerUi
{
    public static void Map(WebApplication app, GatewayServices services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
    }
}
