using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
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

        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("decision", out var d) || d.ValueKind != JsonValueKind.String
            || !reply.TryGetProperty("id", out var idEl) || idEl.ValueKind != JsonValueKind.String || idEl.GetString() is not { Length: > 0 } actionId)
        {
            stderr.WriteLine("interlock: denied: the Interlock server's reply has no decision and action id; nothing runs");
            return ExecCommand.Denied;
        }
        var reasons = Reasons(reply);
        switch (d.GetString())
        {
            case "allow" or "allow_with_constraints":
                break;
            case "require_approval":
                TerminalText.WriteLine(stderr, "interlock: approval required: " + reasons);
                if (reply.TryGetProperty("approval", out var a) && a.ValueKind == JsonValueKind.Object)
                    TerminalText.WriteLine(stderr, $"interlock: not run: approval {Str(a, "id")} is {Str(a, "status")} at {Str(a, "url")} (waited {waitSeconds} s; run again once it is approved)");
                return ExecCommand.ApprovalRequired;
            default:
                TerminalText.WriteLine(stderr, "interlock: denied: " + reasons);
                return ExecCommand.Denied;
        }
        int? maxRuntime = reply.TryGetProperty("constraints", out var c) && c.ValueKind == JsonValueKind.Object
            && c.TryGetProperty("max_runtime_sec", out var m) && m.TryGetInt32(out var sec) ? sec : null;
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

    private static string Str(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";

    private static string Reasons(JsonElement reply)
    {
        var reasons = reply.TryGetProperty("reasons", out var r) && r.ValueKind == JsonValueKind.Array
            ? string.Join("; ", r.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString())) : "";
        var rules = reply.TryGetProperty("rules", out var u) && u.ValueKind == JsonValueKind.Array
            ? string.Join(", ", u.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString())) : "";
        if (reasons.Length == 0) reasons = "(no reason given)";
        return rules.Length > 0 ? string.Create(CultureInfo.InvariantCulture, $"{reasons} [rules: {rules}]") : reasons;
    }
}
