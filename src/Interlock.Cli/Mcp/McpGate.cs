using System.Collections.Concurrent;
using System.Text.Json;
using Interlock.Actions;

namespace Interlock.Cli.Mcp;

/// <summary>What the proxy does with one <c>tools/call</c>: forward it, or answer it with <see cref="Reason"/>.</summary>
// Evaluation: the local decision as audited (offline); ActionId: the gateway's id for the action (server mode).
internal sealed record GateResult(bool Forward, string Reason, Outcome Outcome, IDisposable? Lease, Evaluation? Evaluation = null, string? ActionId = null);

/// <summary>
/// Translates an MCP <c>tools/call</c> into an <see cref="ActionRequest"/> and the decision back into forward/refuse.
/// Thin: what the call does is the analyzer's job (<c>McpToolAnalysis</c>), what is allowed is the policy's, and the
/// built-in rules (self-protection; a tool the server marks <c>destructiveHint: true</c> is sent with the risk tag
/// <c>destructive</c>, which needs at least approval) are Decide's, on whichever side decides.
/// </summary>
internal sealed class McpGate(ActionEvaluator? evaluator, string serverId, string? agent, string cwd, string home)
{
    private readonly ConcurrentDictionary<string, bool> _destructive = new(StringComparer.Ordinal);

    public string ServerId => serverId;

    /// <summary>Remembers the annotations of a <c>tools/list</c> result.</summary>
    public void LearnTools(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array) return;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String) continue;
            bool destructive = tool.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object
                && a.TryGetProperty("destructiveHint", out var d) && d.ValueKind == JsonValueKind.True;
            // A tool once announced as destructive stays so: a later listing cannot lower risk.
            _destructive.AddOrUpdate(n.GetString()!, destructive, (_, old) => old || destructive);
        }
    }

    public bool IsDestructive(string tool) => _destructive.TryGetValue(tool, out var d) && d;

    /// <summary>Decides the <c>params</c> of a <c>tools/call</c> (or, with <paramref name="method"/>, of a resource read); never throws for bad input (that is a refusal).</summary>
    public GateResult Decide(JsonElement? parameters, string method = "tools/call")
    {
        var (request, name, refusal) = Request(parameters, method);
        if (request is null) return refusal!;
        if (evaluator is null) throw new InvalidOperationException("no local policy: server mode decides with McpServerGate");
        var e = evaluator.Evaluate(request);
        var d = e.Decision;
        var outcome = d.Outcome;
        var rules = d.Rules.Count > 0 ? $" (rules: {string.Join(", ", d.Rules)})" : "";
        var why = d.Reasons.Count > 0 ? string.Join("; ", d.Reasons.Distinct(StringComparer.Ordinal)) : outcome.WireName();
        var audited = e;
        if (outcome <= Outcome.AllowWithConstraints) return new GateResult(true, why + rules, outcome, e.Lease, audited);
        e.Lease?.Dispose();
        if (outcome == Outcome.RequireApproval) why = "requires approval, which the MCP proxy cannot wait for; " + why;
        return new GateResult(false, "Interlock denied this call: " + why + rules, outcome, null, audited);
    }

    /// <summary>
    /// The action a request's params describe, with the tool's own name (the method, for a resource read); or the
    /// refusal of malformed params.
    /// </summary>
    public (ActionRequest? Request, string Name, GateResult? Refusal) Request(JsonElement? parameters, string method = "tools/call")
    {
        if (method != "tools/call") return ResourceRequest(parameters, method);
        if (parameters is not { ValueKind: JsonValueKind.Object } p)
            return (null, "", Refuse("the tools/call request has no params object"));
        if (!p.TryGetProperty("name", out var nameEl) || nameEl.ValueKind != JsonValueKind.String || nameEl.GetString() is not { Length: > 0 } name)
            return (null, "", Refuse("the tools/call request has no tool name"));
        JsonElement? args = null;
        if (p.TryGetProperty("arguments", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Object) return (null, name, Refuse($"the arguments of '{name}' are not an object"));
            args = a.Clone();
        }
        return (new ActionRequest
        {
            Source = ActionSource.Mcp,
            Tool = $"mcp__{serverId}__{name}",
            Arguments = args,
            Agent = agent,
            Cwd = cwd,
            Home = home,
            RiskTags = IsDestructive(name) ? ["destructive"] : [],
        }, name, null);
    }

    /// <summary>
    /// <c>resources/read</c> and <c>resources/subscribe</c>: a read of the URI, translated as the hooks translate Claude
    /// Code's <c>ReadMcpResourceTool</c> (<see cref="McpResourceRead"/>), so one rule and one analysis cover both.
    /// </summary>
    private (ActionRequest? Request, string Name, GateResult? Refusal) ResourceRequest(JsonElement? parameters, string method)
    {
        if (parameters is not { ValueKind: JsonValueKind.Object } p)
            return (null, method, Refuse($"the {method} request has no params object"));
        if (!p.TryGetProperty("uri", out var uri) || uri.ValueKind != JsonValueKind.String || uri.GetString() is not { Length: > 0 } text)
            return (null, method, Refuse($"the {method} request has no uri"));
        return (new ActionRequest
        {
            Source = ActionSource.Mcp,
            Tool = McpResourceRead.Tool,
            Arguments = McpResourceRead.Arguments(serverId, text),
            Agent = agent,
            Cwd = cwd,
            Home = home,
        }, method, null);
    }

    internal static GateResult Refuse(string why) => new(false, "Interlock denied this call: " + why, Outcome.Deny, null);
}
