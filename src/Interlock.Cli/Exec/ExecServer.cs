using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;
using Interlock.Recording;
using Interlock.Server.Api;

namespace Interlock.Cli.Exec;

/// <summary>
/// <c>interlock exec --server URL</c>: the gateway decides (<c>POST /v1/evaluate?wait=</c>, waiting for a reviewer
/// there), records the decision, and receives the result (<c>POST /v1/actions/{id}/result</c>). Running, limits and
/// the recording stay local. Fails closed: without a readable allow from the server nothing starts (exit 126).
/// </summary>
internal static class ExecServer
{
    public static async Task<int> RunAsync(ExecCommand.Settings s, string server, string token, int waitSeconds, Stream stdout, Stream stderrStream, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            stderr.WriteLine($"interlock: denied: --server '{server}' is not an http(s) URL");
            return ExecCommand.Denied;
        }
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(Math.Max(0, waitSeconds) + 30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        var home = Local.UserPaths.Home();
        var action = new Dictionary<string, object?> { ["command"] = s.Script, ["cwd"] = s.Cwd, ["home"] = home, ["source"] = "shell" };
        if (s.Session is not null) action["session"] = s.Session;

        JsonElement reply;
        try
        {
            using var response = await http.PostAsJsonAsync($"v1/evaluate?wait={Math.Max(0, waitSeconds)}", action, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 200)
            {
                TerminalText.WriteLine(stderr, $"interlock: denied: the Interlock server answered {(int)response.StatusCode}{ApiProblem.DetailSuffix(body)}; nothing runs without a decision");
                return ExecCommand.Denied;
            }
            using var doc = JsonDocument.Parse(body);
            reply = doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
        {
            var why = ex switch
            {
                HttpRequestException => $"the Interlock server at {server} is unreachable ({ex.Message})",
                TaskCanceledException => $"no answer from the Interlock server at {server} in time",
                _ => $"the Interlock server's reply is not JSON ({ex.Message})",
            };
            stderr.WriteLine($"interlock: denied: {why}; nothing runs without a decision");
            return ExecCommand.Denied;
        }

        // The reply is the decision document; without one (and its action id) nothing runs.
        if (DecisionDocumentJson.Read(reply) is not { Id.Length: > 0 } document)
        {
            stderr.WriteLine("interlock: denied: the Interlock server's reply has no decision and action id; nothing runs");
            return ExecCommand.Denied;
        }
        var actionId = document.Id;
        var reasons = Reasons(document.Decision);
        switch (document.Decision.Outcome)
        {
            case Outcome.Allow or Outcome.AllowWithConstraints:
                break;
            case Outcome.RequireApproval:
                TerminalText.WriteLine(stderr, "interlock: approval required: " + reasons);
                if (document.Approval is { } a)
                    TerminalText.WriteLine(stderr, $"interlock: not run: approval {a.Id} is {a.Status} at {a.Url ?? "?"} (waited {waitSeconds} s; run again once it is approved)");
                return ExecCommand.ApprovalRequired;
            default:
                TerminalText.WriteLine(stderr, "interlock: denied: " + reasons);
                return ExecCommand.Denied;
        }
        int? maxRuntime = document.Decision.Constraints?.MaxRuntimeSec;
        return await ExecCommand.RunAllowed(s, new ServerResults(http, stderr), maxRuntime, actionId, time.GetUtcNow(), stdout, stderrStream, stderr, time).ConfigureAwait(false);
    }

    /// <summary>Results go to the gateway's audit log; a result the server refuses is reported, not hidden.</summary>
    private sealed class ServerResults(HttpClient http, TextWriter stderr) : ExecCommand.IResults
    {
        public Task NotRunAsync(string actionId, string detail) =>
            PostAsync(actionId, new { exit_code = ExecCommand.Denied, detail = "not run: " + detail });

        public Task RanAsync(string actionId, ExecutionResult result)
        {
            var detail = $"{result.Status} in {(long)result.Duration.TotalMilliseconds} ms"
                + (result.KilledByLimit ? $", killed by {result.Limit}" : "")
                + (result.RecordingPath is { } r ? ", recording " + r : "");
            return PostAsync(actionId, new { exit_code = result.ExitCode, output_sha256 = result.OutputSha256, detail });
        }

        private async Task PostAsync(string actionId, object body)
        {
            using var response = await http.PostAsJsonAsync($"v1/actions/{Uri.EscapeDataString(actionId)}/result", body).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                stderr.WriteLine($"interlock: warning: the server did not record the result ({(int)response.StatusCode}{ApiProblem.DetailSuffix(await response.Content.ReadAsStringAsync().ConfigureAwait(false))})");
        }
    }

    private static string Reasons(Decision decision)
    {
        var reasons = decision.Reasons.Count > 0 ? string.Join("; ", decision.Reasons) : "(no reason given)";
        return decision.Rules.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{reasons} [rules: {string.Join(", ", decision.Rules)}]") : reasons;
    }
}
