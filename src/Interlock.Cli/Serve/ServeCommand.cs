using System.CommandLine;
using Interlock.Identity;
using Interlock.Server.Gateway;

namespace Interlock.Cli.Serve;

/// <summary><c>interlock serve</c>: the gateway server (HTTP API, approvals, reviewer UI, audit) on an embedded SQLite store.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = $"Address to listen on (default {GatewayOptions.DefaultListen}).", DefaultValueFactory = _ => GatewayOptions.DefaultListen };
        var data = new Option<string?>("--data") { Description = "Data directory: audit.db, state.db, signing key, admin.token (default $INTERLOCK_DATA or ~/.local/share/interlock)." };
        var policy = new Option<string?>("--policy") { Description = "Policy file, hot-reloaded on change (default: the built-in policy)." };
        var ttl = new Option<string>("--approval-ttl") { Description = "How long a pending approval waits before it expires as a denial (default 30m).", DefaultValueFactory = _ => "30m" };
        var maxWait = new Option<string>("--max-wait") { Description = "Longest ?wait= a caller may hold a request (default 30m).", DefaultValueFactory = _ => "30m" };
        var webhook = new Option<string?>("--webhook-url") { Description = "URL that receives approval events (HMAC-signed with $INTERLOCK_WEBHOOK_SECRET)." };
        var publicUrl = new Option<string?>("--public-url") { Description = "Base URL for links in replies and webhooks (default: the listen address)." };
        var maxPending = new Option<int>("--max-pending-approvals") { Description = "Pending approval requests one agent may have at once; past it a new one is denied (default 20).", DefaultValueFactory = _ => 20 };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Evaluations one agent may have in analysis at once; beyond it a call is refused with 429 (default 4).", DefaultValueFactory = _ => 4 };
        var noPreviews = new Option<bool>("--no-previews") { Description = "Open approvals without dry-run previews (files, git, SQL, terraform, cloud scope)." };
        var lsRemote = new Option<bool>("--git-ls-remote") { Description = "Before a force push, ask the remote for its branch heads (network), not only the remote-tracking ref." };
        var terraformShow = new Option<string?>("--terraform-show") { Description = "Run this terraform (or tofu) binary's 'show -json' on a saved binary plan. It starts the provider plugins in the workspace's .terraform/, which the agent can write: only where the workspace is trusted." };
        var cmd = new Command("serve", "Run the gateway: agents ask it, reviewers approve in the browser, every decision is audited.")
        {
            listen, data, policy, ttl, maxWait, webhook, publicUrl, maxPending, maxInFlight, noPreviews, lsRemote, terraformShow,
        };
        cmd.SetAction(parse => Run(parse.GetValue(listen)!, parse.GetValue(data), parse.GetValue(policy), parse.GetValue(ttl)!, parse.GetValue(maxWait)!,
            parse.GetValue(webhook), parse.GetValue(publicUrl), new Limits(parse.GetValue(maxPending), parse.GetValue(maxInFlight)),
            new Interlock.Storage.Previews.PreviewOptions { Enabled = !parse.GetValue(noPreviews), GitLsRemote = parse.GetValue(lsRemote), TerraformProgram = parse.GetValue(terraformShow) }));
        return cmd;
    }

    /// <summary>The per-agent bounds given on the command line.</summary>
    private sealed record Limits(int MaxPendingApprovals, int MaxInFlight);

    private static int Run(string listen, string? data, string? policy, string ttlText, string maxWaitText, string? webhook, string? publicUrl, Limits limits, Interlock.Storage.Previews.PreviewOptions previews)
    {
        if (limits.MaxPendingApprovals < 1) return Fail($"--max-pending-approvals must be at least 1, got {limits.MaxPendingApprovals}");
        if (limits.MaxInFlight < 1) return Fail($"--max-in-flight must be at least 1, got {limits.MaxInFlight}");
        var (ttl, ttlError) = Durations.Parse(ttlText);
        if (ttlError is not null) return Fail("--approval-ttl: " + ttlError);
        var (maxWait, waitError) = Durations.Parse(maxWaitText);
        if (waitError is not null) return Fail("--max-wait: " + waitError);
        Uri? webhookUrl = null;
        if (webhook is not null && (!Uri.TryCreate(webhook, UriKind.Absolute, out webhookUrl) || webhookUrl.Scheme is not ("http" or "https")))
            return Fail($"--webhook-url: '{webhook}' is not an http(s) URL");
        var secret = Environment.GetEnvironmentVariable("INTERLOCK_WEBHOOK_SECRET");
        if (webhookUrl is not null && string.IsNullOrEmpty(secret))
            return Fail("--webhook-url needs a signing secret in $INTERLOCK_WEBHOOK_SECRET");
        var options = new GatewayOptions
        {
            Listen = listen,
            DataDirectory = Path.GetFullPath(data ?? Local.UserPaths.GatewayData()),
            PolicyPath = policy is null ? null : Path.GetFullPath(policy),
            ApprovalTtl = ttl,
            MaxWait = maxWait,
            WebhookUrl = webhookUrl,
            WebhookSecret = secret,
            PublicUrl = publicUrl,
            MaxPendingApprovalsPerAgent = limits.MaxPendingApprovals,
            MaxInFlightPerAgent = limits.MaxInFlight,
            Previews = previews,
        };
        GatewayHost host;
        try
        {
            host = GatewayHost.StartAsync(options).GetAwaiter().GetResult();
        }
        catch (GatewayStartException ex)
        {
            return Fail(ex.Message);
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        var s = host.Services;
        Console.Out.WriteLine($"interlock: serving on {host.Url}");
        Console.Out.WriteLine($"interlock: policy {s.Policy.Source} ({s.Policy.Hash})");
        Console.Out.WriteLine($"interlock: data in {options.DataDirectory}");
        if (host.CreatedAdminTokenPath is { } tokenPath)
            Console.Out.WriteLine($"interlock: first start: admin token written to {tokenPath} (mode 0600; shown nowhere else)");
        Console.Out.WriteLine($"interlock: reviewer UI at {host.Url}/ ; API description at {host.Url}/openapi.json");
        Console.Out.Flush();
        try
        {
            stop.Token.WaitHandle.WaitOne();
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Console.Out.WriteLine("interlock: stopped");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("interlock serve: " + message);
        return 1;
    }
}
