using Interlock.Policy;
using Interlock.Identity;
using Interlock.Server.Api;
using Interlock.Server.Approvals;
using Interlock.Server.Identity;
using Interlock.Server.Metrics;
using Interlock.Server.Notifications;
using Interlock.Server.Policies;
using Interlock.Server.Web;
using Interlock.Storage;
using Interlock.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Interlock.Server.Gateway;

/// <summary>Everything the endpoints share: options, stores, policy, the pipeline and its parts.</summary>
public sealed class GatewayServices
{
    public required GatewayOptions Options { get; init; }
    public required IAuditStore Audit { get; init; }
    public required IPrincipalStore Principals { get; init; }
    public required IApprovalStore ApprovalStore { get; init; }
    public required PolicyHolder Policy { get; init; }
    public required ApprovalService Approvals { get; init; }
    public required ApprovalEvents Events { get; init; }
    public required DecisionPipeline Pipeline { get; init; }
    public required TokenAuthenticator Tokens { get; init; }
    public required GatewayMetrics Metrics { get; init; }
    public required ConcurrencyLeases Leases { get; init; }
    public required AgentAdmission Admission { get; init; }
    public TimeProvider Time => Options.Time;

    /// <summary>The base URL links in replies point at.</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>The caller's principal when it has one of <paramref name="roles"/>; otherwise the 401/403 problem.</summary>
    public async Task<(Principal? Principal, IResult? Problem)> AuthorizeAsync(HttpContext context, params Role[] roles)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (principal, problem) = await Tokens.AuthenticateAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted).ConfigureAwait(false);
        if (principal is null) return (null, ApiProblem.Unauthorized(problem!));
        if (Array.IndexOf(roles, principal.Role) < 0)
            return (null, ApiProblem.Forbidden($"this needs the role {string.Join(" or ", roles.Select(r => r.WireName()))}; '{principal.Name}' is {principal.Role.WireName()}"));
        return (principal, null);
    }
}

/// <summary>
/// The running gateway: Kestrel on <see cref="GatewayOptions.Listen"/>, the SQLite stores in the data directory, the
/// hot-reloaded policy, the expiry sweep and the webhook sender. Refuses to start on an invalid policy or a
/// tampered audit log.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SqliteAuditStore _audit;
    private readonly ITimer _sweep;
    private readonly IDisposable? _webhooks;

    private GatewayHost(WebApplication app, SqliteAuditStore audit, GatewayServices services, ITimer sweep, IDisposable? webhooks, string url, string? adminTokenPath)
    {
        _app = app;
        _audit = audit;
        Services = services;
        _sweep = sweep;
        _webhooks = webhooks;
        Url = url;
        CreatedAdminTokenPath = adminTokenPath;
    }

    public GatewayServices Services { get; }

    /// <summary>The address Kestrel actually bound (the real port when 0 was asked for).</summary>
    public string Url { get; }

    /// <summary>Every mapped route as <c>METHOD /path</c> (the OpenAPI document is checked against these).</summary>
    public IReadOnlyList<string> Routes => _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} /{e.RoutePattern.RawText?.TrimStart('/')}"))
        .ToList();

    /// <summary>Where the admin token was written, when this start created it.</summary>
    public string? CreatedAdminTokenPath { get; }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Starts the gateway; throws <see cref="GatewayStartException"/> with a message for the operator when it can't.</summary>
    public static async Task<GatewayHost> StartAsync(GatewayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = PolicyHolder.Load(options.PolicyPath, options.Time, options.PolicyReloadInterval, options.Log, SelfProtectionFor(options, options.Listen));
        if (policy is null) throw new GatewayStartException($"the policy {options.PolicyPath ?? PolicySource.DefaultName} does not load; the server does not start with an invalid policy");
        // Owner-only from the start: the audit log, token hashes, the admin token and the signing key live here.
        DataDirectoryPermissions.Prepare(options.DataDirectory, options.Log);
        SqliteAuditStore audit;
        try
        {
            audit = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions
            {
                DataDirectory = options.DataDirectory,
                Time = options.Time,
                CheckpointEveryRecords = options.CheckpointEveryRecords,
                CheckpointInterval = options.CheckpointInterval,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditTamperedException ex)
        {
            policy.Dispose();
            throw new GatewayStartException($"the audit log in {options.DataDirectory} does not verify ({ex.Message}); the server does not start on a tampered log");
        }
        var state = SqliteGatewayStore.Open(options.DataDirectory);
        var adminTokenPath = await AdminBootstrap.EnsureAdminAsync(state, options.DataDirectory, options.Time, options.AdminTokenTtl, cancellationToken).ConfigureAwait(false);
        // Again now that the stores have opened (their -wal and -shm exist) and the token may have been written.
        DataDirectoryPermissions.Tighten(options.DataDirectory, options.Log);

        var events = new ApprovalEvents();
        var metrics = new GatewayMetrics();
        var approvals = new ApprovalService(state, audit, events, options.Time, options.ApprovalTtl, options.PollInterval, options.MaxPendingApprovalsPerAgent);
        var leases = new ConcurrencyLeases(options.Time);
        var services = new GatewayServices
        {
            Options = options,
            Audit = audit,
            Principals = state,
            ApprovalStore = state,
            Policy = policy,
            Approvals = approvals,
            Events = events,
            Pipeline = new DecisionPipeline(policy, approvals, audit, metrics, leases, Interlock.Storage.Previews.StandardPreviews.Create(options.Time, options.Previews)),
            Tokens = new TokenAuthenticator(state, options.Time),
            Metrics = metrics,
            Leases = leases,
            Admission = new AgentAdmission(options.MaxInFlightPerAgent, options.OnAdmitted),
        };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Interlock.Server" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
        });
        builder.Services.AddSingleton(services);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                await (ex.StatusCode == 413 ? ApiProblem.TooLarge($"the body is larger than the limit of {options.MaxBodyBytes} bytes") : ApiProblem.BadRequest(ex.Message)).ExecuteAsync(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
            {
                options.Log.WriteLine($"interlock: internal error on {context.Request.Method} {context.Request.Path}: {ex}");
                await ApiProblem.Unavailable($"internal error: {ex.GetType().Name}; nothing was allowed").ExecuteAsync(context).ConfigureAwait(false);
            }
        });
        ApiEndpoints.Map(app, services);
        ReviewerUi.Map(app, services);
        app.MapFallback((HttpContext c) => ApiProblem.NotFound($"no endpoint {c.Request.Method} {c.Request.Path}"));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await audit.DisposeAsync().ConfigureAwait(false);
            policy.Dispose();
            throw new GatewayStartException($"cannot listen on {options.Listen}: {ex.Message}");
        }
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Listen;
        services.PublicUrl = (options.PublicUrl ?? url).TrimEnd('/');
        services.Policy.Protect(SelfProtectionFor(options, url));
        IDisposable? webhooks = null;
        if (options.WebhookUrl is { } hook)
        {
            metrics.Webhooks = new WebhookCounters();
            webhooks = WebhookNotifier.Start(events, hook, options.WebhookSecret, options.Time, options.Log, options.Webhook, id => ApiViews.ApprovalUrl(services, id), metrics.Webhooks);
        }
        var sweep = options.Time.CreateTimer(_ => _ = SweepAsync(approvals, options.Log), null, options.PollInterval, options.PollInterval);
        return new GatewayHost(app, audit, services, sweep, webhooks, url, adminTokenPath);
    }

    private static async Task SweepAsync(ApprovalService approvals, TextWriter log)
    {
        try
        {
            await approvals.ExpireDueAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.WriteLine($"interlock: expiry sweep failed: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync().ConfigureAwait(false);
        _webhooks?.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Services.Policy.Dispose();
        await _audit.DisposeAsync().ConfigureAwait(false);
    }
    /// <summary>What this gateway keeps from agents: its data, its policy, its installation, and its own port on this machine.</summary>
    internal static SelfProtection SelfProtectionFor(GatewayOptions options, string listen)
    {
        return new SelfProtection(new SelfProtectionOptions
        {
            SecretPaths = [Path.GetFullPath(options.DataDirectory)],
            ProtectedPaths = [.. options.PolicyPath is { } p ? new[] { Path.GetFullPath(p) } : [], AppContext.BaseDirectory],
            GatewayPorts = SelfProtectionOptions.GatewayPortsOf(listen),
        });
    }
}

/// <summary>The gateway could not start; the message says why, for the operator.</summary>
public sealed class GatewayStartException : Exception
{
    public GatewayStartException(string message) : base(message) { }

    public GatewayStartException() { }

    public GatewayStartException(string message, Exception inner) : base(message, inner) { }
}
