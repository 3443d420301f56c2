using Interlock.Server.Approvals;

namespace Interlock.Server.Notifications;

/// <summary>Sends approval events to a webhook, HMAC-signed, retried with backoff.</summary>
public sealed class WebhookNotifier : IDisposable
{
    public static WebhookNotifier Start(ApprovalEvents events, Uri url, string? secret, TimeProvider time, TextWriter log) => throw new NotImplementedException();

    public void Dispose() { }
}
