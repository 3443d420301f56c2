using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Interlock.Server.Api;
using Interlock.Server.Hooks;

namespace Interlock.Cli.Hooks;

/// <summary>
/// <c>interlock hook HOST --server URL</c>: relays the payload to the gateway's <c>/v1/hooks/HOST</c> and prints its reply.
/// The payload is parsed locally first only to refuse malformed input without a round trip; the decision is the
/// server's. Fails closed like the offline hook: no token, a bad URL, an unreachable or slow server, a non-200 answer
/// or a reply that is not in the host's format all print a deny in the host's format.
/// </summary>
internal static class HookClient
{
    public const string DefaultTokenEnv = ChildEnvironment.DefaultTokenEnv;

    /// <summary>Below the hook timeouts <c>interlock init --server</c> writes (60 s), so the host never times out first.</summary>
    public const int DefaultWaitSeconds = 50;

    /// <summary>Beyond <c>--wait</c>: what the server needs to decide and answer once the wait ends.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    /// <summary>The reply line; never throws.</summary>
    public static string Answer(HookHost host, string server, string tokenEnv, int waitSeconds, string? agent, TextWriter stderr)
    {
        HookCall? call = null;
        var limit = TimeSpan.FromSeconds(Math.Max(0, waitSeconds)) + Slack;
        try
        {
            var token = Environment.GetEnvironmentVariable(tokenEnv);
            if (string.IsNullOrWhiteSpace(token))
                return HookCommand.Fail(host, null, $"no agent token: ${tokenEnv} is not set (an agent token from the gateway's POST /v1/principals, role agent)", stderr);
            if (!Uri.TryCreate(server.TrimEnd('/') + "/v1/hooks/" + host.Name + "?wait=" + Math.Max(0, waitSeconds), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
                return HookCommand.Fail(host, null, $"--server '{server}' is not an http(s) URL", stderr);
            var home = Local.UserPaths.Home();

            // A worker, so the limit holds even when stdin never closes.
            var work = Task.Run(async () =>
            {
                var payload = HookCommand.ReadPayload(Console.OpenStandardInput());
                if (payload.AsSpan().Trim(" \t\r\n"u8).IsEmpty) throw new HookInputException("the hook payload is empty");
                using (var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 }))
                    Volatile.Write(ref call, host.ParsePayload(doc.RootElement, new HookContext(agent ?? host.DefaultAgent, home)));
                return await PostAsync(host, uri, token, home, payload, limit).ConfigureAwait(false);
            });
            var clock = Stopwatch.StartNew();
            if (!work.Wait(limit + TimeSpan.FromSeconds(1)))
                return HookCommand.Fail(host, Volatile.Read(ref call), $"no answer from the Interlock server at {server} within {(int)clock.Elapsed.TotalSeconds} s", stderr);
            var (reply, problem) = work.Result;
            return reply ?? HookCommand.Fail(host, Volatile.Read(ref call), problem!, stderr);
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            return HookCommand.Fail(host, Volatile.Read(ref call), Describe(ex.InnerException, server, limit), stderr);
        }
        catch (Exception ex)
        {
            return HookCommand.Fail(host, Volatile.Read(ref call), Describe(ex, server, limit), stderr);
        }
    }

    private static string Describe(Exception ex, string server, TimeSpan limit) => ex switch
    {
        HttpRequestException h => $"the Interlock server at {server} is unreachable: {h.Message}",
        TaskCanceledException or TimeoutException => $"no answer from the Interlock server at {server} within {(int)limit.TotalSeconds} s",
        _ => HookCommand.Describe(ex),
    };

    /// <summary>The server's reply when it is a 200 in the host's format; otherwise why not.</summary>
    private static async Task<(string? Reply, string? Problem)> PostAsync(HookHost host, Uri uri, string token, string home, byte[] payload, TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = limit };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        request.Headers.TryAddWithoutValidation(HookEndpoints.HomeHeader, home);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
            return (null, $"the Interlock server answered {(int)response.StatusCode}{ApiProblem.DetailSuffix(body)}");
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!host.IsReply(doc.RootElement)) return (null, "the Interlock server's reply is not a " + host.Name + " hook reply");
            // One line on stdout, whatever whitespace the server used.
            return (JsonSerializer.Serialize(doc.RootElement, CompactJson), null);
        }
        catch (JsonException)
        {
            return (null, "the Interlock server's reply is not JSON");
        }
    }

    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
