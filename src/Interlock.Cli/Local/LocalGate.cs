using Interlock.Actions;
using Interlock.Audit;
using Interlock.Pipeline;
using Interlock.Policy;
using Interlock.Server.Policies;
using Interlock.Storage;
using Interlock.Storage.Sqlite;
using Interlock.Throttling;

namespace Interlock.Cli.Local;

/// <summary>
/// The pipeline as the offline entry points run it (hook, exec, mcp-proxy): the policy file, the same self-protection
/// as a gateway's, no reviewer, and the local hash-chained audit log shared by every process of the user. A log that
/// cannot be opened still yields a pipeline: every decision is then a deny, because none can be recorded.
/// </summary>
internal sealed class LocalGate : IAsyncDisposable
{
    private readonly IAuditStore? _store;

    private LocalGate(ActionPipeline pipeline, IAuditStore? store, string? failure)
    {
        Pipeline = pipeline;
        _store = store;
        Failure = failure;
    }

    public ActionPipeline Pipeline { get; }

    /// <summary>Why nothing can be recorded (the audit log did not open), or null.</summary>
    public string? Failure { get; }

    /// <summary>The self-protection of a local entry point: its policy, the installation, and both data directories.</summary>
    public static SelfProtection Protection(string? policyPath, string? offlineData = null, string? serverUrl = null) => new(new SelfProtectionOptions
    {
        ProtectedPaths = [.. policyPath is null ? Array.Empty<string>() : [Path.GetFullPath(policyPath)], AppContext.BaseDirectory],
        SecretPaths = [Path.GetFullPath(offlineData ?? UserPaths.OfflineData()), Path.GetFullPath(UserPaths.GatewayData())],
        GatewayPorts = SelfProtectionOptions.GatewayPortsOf(serverUrl, Environment.GetEnvironmentVariable("INTERLOCK_SERVER")),
    });

    /// <summary>An evaluator for <paramref name="policy"/> with the local self-protection.</summary>
    public static ActionEvaluator Evaluator(PolicyStack policy, string? policyPath, string? offlineData = null, IThrottleStore? limiter = null) =>
        new(policy, limiter: limiter, selfProtection: Protection(policyPath, offlineData), time: TimeProvider.System);

    /// <summary>
    /// Opens the local audit log in <paramref name="dataDirectory"/> (shared with the user's other Interlock processes).
    /// <paramref name="previews"/> are the dry runs shown before asking (exec, mcp-proxy; none for hooks, which answer
    /// within the host's timeout); <paramref name="previewEveryChange"/> previews whatever changes something, not only
    /// what needs approval (<c>interlock plan</c>).
    /// </summary>
    public static async Task<LocalGate> OpenAsync(ActionEvaluator evaluator, string dataDirectory, TimeProvider time, CancellationToken cancellationToken, Interlock.Previews.PreviewRunner? previews = null, bool previewEveryChange = false)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        IAuditStore? store = null;
        string? failure = null;
        try
        {
            store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = dataDirectory, Time = time, SharedWriters = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            failure = $"the audit store at {dataDirectory} cannot be written ({ex.GetType().Name}: {ex.Message})";
        }
        var recorder = store is not null ? store : (IDecisionRecorder)new Unavailable(failure!);
        var pipeline = new ActionPipeline(new ActionPipelineOptions { Evaluator = () => evaluator, Recorder = recorder, Previews = previews, PreviewEveryChange = previewEveryChange });
        return new LocalGate(pipeline, store, failure);
    }

    /// <summary>The pipeline without a log, for <c>check --no-record</c>: decisions that authorize nothing.</summary>
    public static LocalGate Unrecorded(ActionEvaluator evaluator, Interlock.Previews.PreviewRunner? previews = null) =>
        new(new ActionPipeline(new ActionPipelineOptions { Evaluator = () => evaluator, Recorder = Discard.Instance, Previews = previews, PreviewEveryChange = previews is not null }), null, null);

    /// <summary>Appends a result or note; false when it could not be recorded.</summary>
    public Task<bool> RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => Pipeline.RecordAsync(entry, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Discard : IDecisionRecorder
    {
        public static Discard Instance { get; } = new();
        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Unavailable(string why) : IDecisionRecorder
    {
        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => Task.FromException(new InvalidOperationException(why));
    }
}
