using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Server.Policies;

namespace Interlock.Cli.Mcp;

/// <summary>
/// <c>interlock mcp-proxy [--policy FILE] [--agent ID] [--server-id NAME] [--data DIR] (--upstream URL | -- UPSTREAM…)</c>: a transparent
/// relay between an MCP client (our stdin/stdout) and an upstream MCP server (a child process, or a Streamable HTTP
/// endpoint, see <see cref="HttpUpstream"/>). MCP's stdio transport is
/// newline-delimited JSON-RPC 2.0 (spec, "Transports": messages are delimited by newlines and must not contain embedded
/// newlines). Every line passes unchanged, except client→server <c>tools/call</c> requests, which are decided first: allowed
/// ones are forwarded byte for byte, the rest are answered here with a <c>CallToolResult</c>
/// (<c>{"content":[{"type":"text","text":…}],"isError":true}</c>) and never reach the server. Every call and its outcome
/// is audited (<see cref="McpCallAudit"/>).
/// Exit: 0 when the client closed stdin and the server then exited; 1 on a usage or policy error; 2 when the upstream
/// died or broke the protocol (pending requests get JSON-RPC errors first); 143 on SIGTERM. The child never outlives us.
/// </summary>
internal static class McpProxyCommand
{
    public const int MaxLineBytes = 4 * 1024 * 1024;
    public const int UpstreamFailed = 2;
    /// <summary>JSON-RPC error code (server-defined range) of a request Interlock refused, other than a tools/call.</summary>
    public const int Refused = -32001;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML). Default: the built-in policies/default.yaml." };
        var agent = new Option<string?>("--agent") { Description = "Agent identity the policy's scopes apply to. Default: mcp." };
        var serverId = new Option<string?>("--server-id") { Description = "Server name in tool ids (mcp__NAME__tool) that policies and scopes match. Default: upstream." };
        var server = new Option<string?>("--server") { Description = "Ask the Interlock gateway at this URL for each tools/call (it waits for reviewers and audits); token from --token-env." };
        var tokenEnv = new Option<string>("--token-env") { Description = "Environment variable holding the agent token for --server.", DefaultValueFactory = _ => ChildEnvironment.DefaultTokenEnv };
        var wait = new Option<int>("--wait") { Description = "With --server: seconds a tools/call may wait for a reviewer's approval (progress notifications are sent meanwhile when the client asks for them).", DefaultValueFactory = _ => 50 };
        var upstreamUrl = new Option<string?>("--upstream") { Description = "Relay to this Streamable HTTP MCP endpoint (e.g. http://127.0.0.1:3000/mcp) instead of a command after '--'." };
        var data = new Option<string?>("--data") { Description = "Data directory whose audit.db records every tools/call and its outcome (offline mode). Default: $XDG_STATE_HOME/interlock or ~/.local/state/interlock." };
        var upstream = new Argument<string[]>("upstream") { Description = "The upstream MCP server command, after '--'.", Arity = ArgumentArity.ZeroOrMore };
        var cmd = new Command("mcp-proxy", "Relay a stdio or Streamable HTTP MCP server, deciding every tools/call with the policy before the server sees it.")
        {
            policy, agent, serverId, server, tokenEnv, wait, upstreamUrl, data, upstream,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var words = parse.GetValue(upstream) ?? [];
            var endpoint = parse.GetValue(upstreamUrl);
            if ((words.Length == 0) == (endpoint is null))
            {
                var what = words.Length == 0 ? "no upstream server" : "give either --upstream URL or -- COMMAND, not both";
                await Console.Error.WriteLineAsync($"interlock mcp-proxy: {what}; usage: interlock mcp-proxy [--policy FILE] [--agent ID] [--server-id NAME] [--data DIR | --server URL] (--upstream URL | -- COMMAND...)").ConfigureAwait(false);
                return 1;
            }
            Uri? endpointUri = null;
            if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri) || endpointUri.Scheme is not ("http" or "https")))
            {
                await Console.Error.WriteLineAsync($"interlock mcp-proxy: --upstream '{endpoint}' is not an http(s) URL").ConfigureAwait(false);
                return 1;
            }
            await using IMcpUpstream up = endpointUri is not null ? new HttpUpstream(endpointUri, Console.Error) : new StdioUpstream(words, parse.GetValue(tokenEnv)!);
            var policyPath = parse.GetValue(policy);
            var home = Local.UserPaths.Home();
            var id = parse.GetValue(serverId) ?? "upstream";
            if (parse.GetValue(server) is { } url)
            {
                if (policyPath is not null || parse.GetValue(agent) is not null || parse.GetValue(data) is not null)
                {
                    await Console.Error.WriteLineAsync("interlock mcp-proxy: with --server the server's policy decides, audits, and the token names the agent; drop --policy, --agent and --data").ConfigureAwait(false);
                    return 1;
                }
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    await Console.Error.WriteLineAsync($"interlock mcp-proxy: --server '{url}' is not an http(s) URL").ConfigureAwait(false);
                    return 1;
                }
                // A missing token is not a start-up error: every tools/call is then refused with the reason (fail closed),
                // while the rest of the protocol keeps working.
                var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!) ?? "";
                var local = new McpGate(id, null, Environment.CurrentDirectory, home);
                using var remote = new McpServerGate(local, uri, token, parse.GetValue(wait));
                await using var results = McpCallAudit.ForServer(remote.Http, Console.Error, TimeProvider.System);
                var relay = new McpProxy(local, up, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, results, remote);
                return await relay.RunAsync().ConfigureAwait(false);
            }
            var stack = PolicySource.Load(policyPath, Console.Error);
            if (stack is null) return 1;
            var dataDirectory = Path.GetFullPath(parse.GetValue(data) ?? Local.UserPaths.OfflineData());
            var gate = new McpGate(id, parse.GetValue(agent) ?? "mcp", Environment.CurrentDirectory, home);
            // Opened once for the run; a log that cannot be written makes every decision a deny.
            await using var audit = await McpCallAudit.OpenAsync(Local.LocalGate.Evaluator(stack, policyPath, dataDirectory), dataDirectory, Console.Error, TimeProvider.System).ConfigureAwait(false);
            var proxy = new McpProxy(gate, up, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, audit);
            return await proxy.RunAsync().ConfigureAwait(false);
        });
        return cmd;
    }

    /// <summary>The <c>_meta</c> key (and error <c>data</c> member) under which a refusal carries its decision document.</summary>
    internal const string DocumentKey = "interlock/decision";

    internal static string ErrorLine(string idRaw, int code, string message, Pipeline.DecisionDocument? document = null) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WritePropertyName("id");
        w.WriteRawValue(idRaw);
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        if (document is not null)
        {
            w.WriteStartObject("data");
            w.WritePropertyName(DocumentKey);
            WriteDocument(w, document);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>An MCP <c>notifications/progress</c> for <paramref name="tokenRaw"/> (raw JSON of the client's token).</summary>
    internal static string ProgressLine(string tokenRaw, int progress, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WriteString("method", "notifications/progress");
        w.WriteStartObject("params");
        w.WritePropertyName("progressToken");
        w.WriteRawValue(tokenRaw);
        w.WriteNumber("progress", progress);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    internal static string DeniedLine(string idRaw, string text, Pipeline.DecisionDocument? document = null) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WritePropertyName("id");
        w.WriteRawValue(idRaw);
        w.WriteStartObject("result");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("isError", true);
        if (document is not null)
        {
            w.WriteStartObject("_meta");
            w.WritePropertyName(DocumentKey);
            WriteDocument(w, document);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteDocument(Utf8JsonWriter w, Pipeline.DecisionDocument document)
    {
        w.WriteStartObject();
        Pipeline.DecisionDocumentJson.WriteProperties(w, document);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) body(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
