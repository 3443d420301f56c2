namespace Interlock.Server.Gateway;

/// <summary>Settings of the gateway server; every default is what <c>interlock serve</c> uses without flags.</summary>
public sealed record GatewayOptions
{
    public const string DefaultListen = "http://127.0.0.1:7070";

    /// <summary>The URL Kestrel binds (port 0 picks a free one).</summary>
    public string Listen { get; init; } = DefaultListen;
    /// <summary>Holds <c>audit.db</c>, <c>state.db</c>, the checkpoint key pair and <c>admin.token</c>.</summary>
    public required string DataDirectory { get; init; }
    /// <summary>A policy file (with its includes), hot-reloaded; null means the built-in default policy.</summary>
    public string? PolicyPath { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>The dry-run previews run before an approval is opened (files, git, SQL, terraform …); <c>Enabled = false</c> turns them off.</summary>
    public Interlock.Storage.Previews.PreviewOptions Previews { get; init; } = new();
    /// <summary>How long a pending approval waits for reviewers before it expires (a denial).</summary>
    public TimeSpan ApprovalTtl { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>The longest <c>?wait=</c> a caller may ask for.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>How often waiting callers and the expiry sweep look at the store (other replicas change it too).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often the policy file is checked for changes.</summary>
    public TimeSpan PolicyReloadInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Largest request body accepted (413 beyond).</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;
    /// <summary>Lifetime of the admin token created on first start.</summary>
    public TimeSpan AdminTokenTtl { get; init; } = TimeSpan.FromDays(365);
    /// <summary>Default lifetime of tokens created without a <c>ttl</c>.</summary>
    public TimeSpan DefaultTokenTtl { get; init; } = TimeSpan.FromDays(30);
    /// <summary>A checkpoint is signed every this many audit records …</summary>
    public int CheckpointEveryRecords { get; init; } = 1000;
    /// <summary>… or this often while records arrive.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Receives approval events (signed with <see cref="WebhookSecret"/>); null means none.</summary>
    public Uri? WebhookUrl { get; init; }
    public string? WebhookSecret { get; init; }
    /// <summary>Attempts, backoff and timeouts of webhook deliveries.</summary>
    public Notifications.WebhookSettings Webhook { get; init; } = new();
    /// <summary>Public base URL for links in replies and webhooks; defaults to the bound address.</summary>
    public string? PublicUrl { get; init; }
    /// <summary>
    /// How many approval requests one agent may have pending at once; past it a new <c>require_approval</c> action is
    /// denied (joining a pending request for the same action is not a new one).
    /// </summary>
    public int MaxPendingApprovalsPerAgent { get; init; } = 20;
    /// <summary>How many evaluations (evaluate, plan or hook calls) one agent may have in analysis at once; beyond it the call is refused with 429.</summary>
    public int MaxInFlightPerAgent { get; init; } = 4;
    /// <summary>Test seam: awaited after an agent's call is admitted and before it is analyzed; null in production.</summary>
    public Func<string, CancellationToken, Task>? OnAdmitted { get; init; }
    /// <summary>Where the server writes its log lines.</summary>
    public TextWriter Log { get; init; } = Console.Error;
}
