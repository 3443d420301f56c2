using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Cli.Local;
using Interlock.Server.Hooks;
using Interlock.Server.Policies;

namespace Interlock.Cli.Hooks;

/// <summary>
/// <c>interlock hook claude-code|gemini|cursor</c>: reads one hook payload from stdin, decides it with the local policy
/// (or, with <c>--server</c>, has the gateway decide it: <see cref="HookClient"/>) and answers in the host's format. Fails closed and always answers: every failure (unreadable, oversized or malformed
/// input, an unknown event or tool, a policy that does not load, an internal fault, the deadline) is a well-formed deny
/// on stdout with exit 0, because these hosts let the tool run when a hook exits non-zero or times out.
/// Nothing but the one reply line is written to stdout; diagnostics go to stderr.
/// </summary>
internal static class HookCommand
{
    /// <summary>Largest payload read from stdin; a larger one is denied unread.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    public const int DefaultDeadlineMs = 2000;

    public static Command Create()
    {
        var host = new Argument<string>("agent") { Description = "The coding agent whose hook protocol to speak: " + string.Join(", ", HookHost.Names) + "." };
        host.AcceptOnlyFromAmong(HookHost.Names);
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML). Default: the built-in policies/default.yaml." };
        var agent = new Option<string?>("--agent") { Description = "Agent identity the policy's scopes apply to. Default: claude-code, gemini-cli or cursor." };
        var deadline = new Option<int>("--deadline-ms") { Description = "Answer deny when no decision is ready this many milliseconds after start.", DefaultValueFactory = _ => DefaultDeadlineMs };
        var server = new Option<string?>("--server") { Description = "Ask the Interlock gateway at this URL instead of the local policy (decisions, approvals and audit are the server's)." };
        var tokenEnv = new Option<string>("--token-env") { Description = "Environment variable holding the agent token for --server.", DefaultValueFactory = _ => HookClient.DefaultTokenEnv };
        var wait = new Option<int>("--wait") { Description = "With --server: seconds to wait for a reviewer when approval is needed (keep it below the agent's hook timeout).", DefaultValueFactory = _ => HookClient.DefaultWaitSeconds };
        var cmd = new Command("hook", "Answer one coding-agent hook call (JSON on stdin) with allow, deny or ask in the agent's own format.")
        {
            host, policy, agent, deadline, server, tokenEnv, wait,
        };
        cmd.SetAction(parse =>
        {
            var h = HookHost.ByName(parse.GetValue(host)!)!;
            var reply = parse.GetValue(server) is { } url
                ? HookClient.Answer(h, url, parse.GetValue(tokenEnv)!, parse.GetValue(wait), parse.GetValue(agent), Console.Error)
                : Answer(h, parse.GetValue(policy), parse.GetValue(agent), parse.GetValue(deadline), Console.Error);
            var stdout = Console.Out;
            stdout.Write(reply);
            stdout.Write('\n');
            stdout.Flush();
            return 0;
        });
        return cmd;
    }

    /// <summary>The reply line; never throws.</summary>
    private static string Answer(HookHost host, string? policyPath, string? agent, int deadlineMs, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        HookCall? call = null;
        try
        {
            var context = new HookContext(agent ?? host.DefaultAgent, UserPaths.Home());
            // Everything runs on a worker so the deadline holds even when stdin never closes or evaluation stalls.
            var work = Task.Run(async () =>
            {
                var payload = ReadPayload(Console.OpenStandardInput());
                return await DecideAsync(host, payload, context, policyPath, stderr, c => Volatile.Write(ref call, c)).ConfigureAwait(false);
            });
            var remaining = Math.Max(1, deadlineMs - (int)clock.ElapsedMilliseconds);
            if (!work.Wait(remaining))
                return Fail(host, Volatile.Read(ref call), $"no decision within {deadlineMs} ms", stderr);
            return work.Result;
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            return Fail(host, Volatile.Read(ref call), Describe(ex.InnerException), stderr);
        }
        catch (Exception ex)
        {
            return Fail(host, Volatile.Read(ref call), Describe(ex), stderr);
        }
    }

    internal static string Describe(Exception ex) => ex switch
    {
        HookInputException or PayloadTooLargeException => ex.Message,
        JsonException j => "the hook payload is not valid JSON: " + j.Message,
        _ => $"internal error: {ex.GetType().Name}: {ex.Message}",
    };

    internal static string Fail(HookHost host, HookCall? call, string why, TextWriter stderr)
    {
        var reply = HookVerdict.FailClosed(why);
        try { TerminalText.WriteLine(stderr, "interlock hook: " + reply.Reason, "interlock hook: "); } catch (IOException) { }
        return host.Reply(reply, call);
    }

    internal sealed class PayloadTooLargeException() : Exception($"the hook payload is larger than {MaxPayloadBytes} bytes");

    internal static byte[] ReadPayload(Stream input)
    {
        using (input)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxPayloadBytes) throw new PayloadTooLargeException();
            }
            return buffer.ToArray();
        }
    }

    private static async Task<string> DecideAsync(HookHost host, byte[] payload, HookContext context, string? policyPath, TextWriter stderr, Action<HookCall> parsed)
    {
        if (payload.AsSpan().Trim(" \t\r\n"u8).IsEmpty) throw new HookInputException("the hook payload is empty");
        HookCall call;
        using (var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 }))
        {
            call = host.ParsePayload(doc.RootElement, context);
        }
        parsed(call);
        if (call.NoOpinion)
            return host.Reply(new HookReply(HookAnswer.NoOpinion, "Interlock: a tool on the agent's own state; not gated"), call);

        var policy = PolicySource.Load(policyPath, stderr)
            ?? throw new HookInputException($"the policy {policyPath ?? PolicySource.DefaultName} could not be loaded (see stderr)");
        // No decision without a record: each is appended to the local audit log before the answer (a failed append is a deny).
        var data = UserPaths.OfflineData();
        await using var gate = await LocalGate.OpenAsync(LocalGate.Evaluator(policy, policyPath, data), data, TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        if (gate.Failure is { } failure) stderr.WriteLine("interlock hook: " + failure + "; every call is denied until it can be written");
        var decisions = new List<HookDecision>(call.Requests.Count);
        foreach (var request in call.Requests)
        {
            var reply = await gate.Pipeline.DecideAsync(request, null, CancellationToken.None).ConfigureAwait(false);
            reply.Evaluation?.Lease?.Dispose();
            decisions.Add(new HookDecision(request, reply.Decision));
        }
        return host.Reply(HookVerdict.Combine(call, decisions, server: false), call);
    }
}
