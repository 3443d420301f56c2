using System.Collections.Concurrent;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;

namespace Interlock.Cli.Mcp;

/// <summary>
/// What the proxy does with one <c>tools/call</c>: forward it, or answer it with <see cref="Reason"/>. <see cref="Document"/>
/// is the decision behind it (attached to a refusal); none when the call was refused before it became an action.
/// </summary>
internal sealed record GateResult(bool Forward, string Reason, Outcome Outcome, IDisposable? Lease, DecisionDocument? Document = null)
{
    /// <summary>The action id the decision was recorded under, when there is one.</summary>
    public string? ActionId => Document is { Id.Length: > 0 } d ? d.Id : null;
}

/// <summary>
/// Translates an MCP <c>tools/call</c> into an <see cref="ActionRequest"/> and the decision back into forward/refuse.
/// Thin: what the call does is the analyzer's job (<c>McpToolAnalysis</c>), what is allowed is the policy's, and the
/// built-in rules (self-protection; a tool the server marks <c>destructiveHint: true</c> is sent with the risk tag
/// <c>destructive</c>, which needs at least approval) are Decide's, on whichever side decides.
/// </summary>
internal sealed class McpGate(string serverId, string? agent, string cwd, string home)
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

    /// <summary>
    /// The call's fate under a decision, the same in both modes (the local pipeline's or the gateway's document):
    /// forwarded when allowed, otherwise refused with the reasons and rules. A <c>require_approval</c> names the
    /// approval request a reviewer can answer, when one was opened.
    /// </summary>
    public static GateResult Result(DecisionDocument document, IDisposable? lease = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var d = document.Decision;
        var rules = d.Rules.Count > 0 ? $" (rules: {string.Join(", ", d.Rules)})" : "";
        var why = (d.Reasons.Count > 0 ? string.Join("; ", d.Reasons.Distinct(StringComparer.Ordinal)) : d.Outcome.WireName()) + rules;
        if (d.Outcome <= Outcome.AllowWithConstraints) return new GateResult(true, why, d.Outcome, lease, document);
        lease?.Dispose();
        var text = d.Outcome != Outcome.RequireApproval ? why
            : document.Approval is { } a
                ? $"waiting for a reviewer's approval; not approved yet (approval {a.Id}{(a.Url is null ? "" : " at " + a.Url)}). Tell the user to approve it there, then retry. {why}"
                : "requires approval, which the MCP proxy cannot wait for; " + why;
        return new GateResult(false, "Interlock denied this call: " + text, d.Outcome, null, document);
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
