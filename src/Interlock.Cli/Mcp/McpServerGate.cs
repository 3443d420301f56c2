using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;
using Interlock.Server.Approvals;

namespace Interlock.Cli.Mcp;

/// <summary>
/// <c>mcp-proxy --server URL</c>: each <c>tools/call</c> is decided by the gateway (<c>POST /v1/evaluate?wait=</c>), which
/// waits for a reviewer when approval is needed and records the decision. While it waits, a client that sent
/// <c>_meta.progressToken</c> receives <c>notifications/progress</c>, so it neither times out nor looks hung. Only the
/// call's translation (<see cref="McpGate.Request"/>) is local: self-protection and the destructiveHint floor (sent as
/// the risk tag <c>destructive</c>) are the gateway's, so every refusal is in its audit log. Fails closed: no readable
/// allow from the server, no call.
/// </summary>
internal sealed class McpServerGate(McpGate gate, Uri server, string token, int waitSeconds) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = new Uri(server.ToString().TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(Math.Max(0, waitSeconds) + 30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token.Trim()) },
    };

    /// <summary>How often a waiting call reports progress.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public void Dispose() => _http.Dispose();

    /// <summary>The client authorized as the agent, for posting results (<see cref="McpCallAudit.ForServer"/>).</summary>
    public HttpClient Http => _http;

    /// <summary>Decides one call; <paramref name="progress"/> is called with a message while the server waits (when the client asked for progress).</summary>
    /// <paramref name="pending"/> learns the id of the approval request the call waits on, so a cancelled call can withdraw it.
    public async Task<GateResult> DecideAsync(JsonElement? parameters, Func<string, Task>? progress, CancellationToken cancellationToken, string method = "tools/call", Action<string>? pending = null)
    {
        var (request, _, refusal) = gate.Request(parameters, method);
        if (request is null) return refusal!;
        var body = Body(request);
        try
        {
            JsonElement reply;
            // Ask once without waiting, so the wait can be tied to its approval (named in progress, withdrawn on cancel),
            // then wait on it: the server finds the same pending approval by the action's digest rather than opening another.
            // This first call is not cancelled with the call: the gateway may already have opened the approval when the
            // client cancels, and only its reply names it, so the proxy waits for that name and then withdraws it
            // (cancelled mid-flight, the request was left pending for a reviewer to approve). The client's timeout bounds it.
            reply = await EvaluateAsync(body, 0, CancellationToken.None).ConfigureAwait(false);
            if (waitSeconds > 0 && DecisionDocumentJson.Read(reply) is { Decision.Outcome: Outcome.RequireApproval, Approval: { } approval })
            {
                pending?.Invoke(approval.Id);
                cancellationToken.ThrowIfCancellationRequested();
                if (progress is null || approval.Url is null) reply = await EvaluateAsync(body, waitSeconds, cancellationToken).ConfigureAwait(false);
                else
                {
                    var named = $"approval {approval.Id} at {approval.Url}";
                    await progress($"Interlock: waiting up to {waitSeconds} s for a reviewer's approval ({named})").ConfigureAwait(false);
                    var waiting = EvaluateAsync(body, waitSeconds, cancellationToken);
                    var started = DateTime.UtcNow;
                    // A cancelled delay completes at once: without the check this loop wrote progress as fast as it could until
                    // the client's pipe filled, and then blocked there, so the cancelled call was never settled.
                    while (await Task.WhenAny(waiting, Task.Delay(ProgressInterval, cancellationToken)).ConfigureAwait(false) != waiting
                        && !cancellationToken.IsCancellationRequested)
                        await progress(string.Create(CultureInfo.InvariantCulture, $"Interlock: still waiting for a reviewer's approval ({named}), {(int)(DateTime.UtcNow - started).TotalSeconds} s")).ConfigureAwait(false);
                    reply = await waiting.ConfigureAwait(false);
                }
            }
            return Verdict(reply);
        }
        catch (ServerRefusal ex)
        {
            return McpGate.Refuse("(fail closed) " + ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            var why = ex switch
            {
                HttpRequestException => $"the Interlock server at {server} is unreachable ({ex.Message})",
                TaskCanceledException => $"no answer from the Interlock server at {server} in time",
                _ => "the Interlock server's reply is not JSON",
            };
            return McpGate.Refuse("(fail closed) " + why);
        }
    }

    // The gateway's reply is the decision document; anything else is no decision (fail closed).
    private static GateResult Verdict(JsonElement reply) =>
        DecisionDocumentJson.Read(reply) is { } document ? McpGate.Result(document)
            : McpGate.Refuse("(fail closed) the Interlock server's reply is not a decision document");

    /// <summary>
    /// The client cancelled the call that waits on approval <paramref name="id"/>: withdraws the request, so no
    /// reviewer's later answer lets it run (the gateway records the withdrawal). What happened, for the log.
    /// </summary>
    public async Task<string> WithdrawAsync(string id)
    {
        try
        {
            using var response = await _http.PostAsync($"v1/approvals/{Uri.EscapeDataString(id)}/withdraw", null).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? $"approval {id} withdrawn"
                : $"approval {id} could not be withdrawn ({(int)response.StatusCode}{Server.Api.ApiProblem.DetailSuffix(await response.Content.ReadAsStringAsync().ConfigureAwait(false))})";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"approval {id} could not be withdrawn ({ex.Message})";
        }
    }

    private static Dictionary<string, object?> Body(ActionRequest r)
    {
        var body = new Dictionary<string, object?> { ["source"] = "mcp", ["tool"] = r.Tool, ["cwd"] = r.Cwd, ["home"] = r.Home };
        if (r.Arguments is { } args) body["arguments"] = args;
        if (r.RiskTags.Count > 0) body["risk_tags"] = r.RiskTags;
        return body;
    }

    private async Task<JsonElement> EvaluateAsync(Dictionary<string, object?> body, int wait, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"v1/evaluate?wait={Math.Max(0, wait)}", body, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
        {
            var detail = "";
            try
            {
                using var problem = JsonDocument.Parse(text);
                if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = ": " + d.GetString();
            }
            catch (JsonException)
            {
            }
            throw new ServerRefusal($"the Interlock server answered {(int)response.StatusCode}{detail}");
        }
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private sealed class ServerRefusal(string message) : Exception(message);
}
