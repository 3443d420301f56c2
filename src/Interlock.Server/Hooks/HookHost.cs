using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Actions;

namespace Interlock.Server.Hooks;

/// <summary>What the hook answers the host: the host's own verbs, before they are put in its wire format.</summary>
internal enum HookAnswer
{
    Allow,
    Deny,
    /// <summary>Let the host ask its user (only where the host supports it).</summary>
    Ask,
    /// <summary>No opinion: a host-internal tool with no effect outside the agent (a to-do list, a question to the user).</summary>
    NoOpinion,
}

internal sealed record HookReply(HookAnswer Answer, string Reason);

/// <summary>
/// One hook invocation, normalized: the actions it proposes (one, or several for multi-file reads), whether the host
/// can ask its user, and the event that fired. <see cref="NoOpinion"/> marks host-internal tools Interlock does not gate.
/// </summary>
internal sealed record HookCall(string Event, IReadOnlyList<ActionRequest> Requests, bool CanAsk, bool NoOpinion = false);

/// <summary>The payload was not something the hook can decide on; the hook answers deny with <see cref="Exception.Message"/>.</summary>
internal sealed class HookInputException(string message) : Exception(message);

/// <summary>Per-call facts every host parser needs.</summary>
internal sealed record HookContext(string Agent, string Home);

/// <summary>
/// One coding agent's hook protocol: reads its payload into <see cref="HookCall"/> and writes a <see cref="HookReply"/>
/// in its exact format. Thin by design: no policy logic here (ARCHITECTURE.md, "Adapters are thin").
/// </summary>
internal abstract class HookHost
{
    protected static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The name on the command line: <c>claude-code</c>, <c>gemini</c>, <c>cursor</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Agent id used when <c>--agent</c> is not given.</summary>
    public abstract string DefaultAgent { get; }

    public abstract HookCall Parse(JsonElement root, HookContext context);

    /// <summary><see cref="Parse"/>, after checking every string in the payload is valid Unicode.</summary>
    public HookCall ParsePayload(JsonElement root, HookContext context) =>
        Actions.JsonText.FirstInvalid(root) is { } where
            ? throw new HookInputException($"the hook payload has a string that is not valid Unicode (an unpaired surrogate escape) at {where}")
            : Parse(root, context);

    /// <summary>The reply, one line of JSON. <paramref name="call"/> is null when the payload could not be read at all.</summary>
    public abstract string Reply(HookReply reply, HookCall? call);

    /// <summary>Whether <paramref name="reply"/> is a reply of this host's format (the CLI checks what a server sent before printing it).</summary>
    public abstract bool IsReply(JsonElement reply);

    /// <summary>A string property with one of <paramref name="values"/>.</summary>
    protected static bool Is(JsonElement obj, string name, params string[] values) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && Array.IndexOf(values, v.GetString()) >= 0;

    public static HookHost? ByName(string name) => name switch
    {
        "claude-code" => new ClaudeCodeHost(),
        "gemini" => new GeminiHost(),
        "cursor" => new CursorHost(),
        _ => null,
    };

    public static readonly string[] Names = ["claude-code", "gemini", "cursor"];

    protected static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) body(w);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // ---- payload helpers shared by the hosts ----

    protected static JsonElement RequireObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new HookInputException($"the hook payload must be a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}");
        return root;
    }

    /// <summary>A string field, null when absent or null; a field of another type is an error.</summary>
    protected static string? OptionalString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new HookInputException($"field '{name}' must be a string, got {v.ValueKind.ToString().ToLowerInvariant()}");
        return v.GetString();
    }

    protected static string RequireString(JsonElement obj, string name, string where)
    {
        var s = OptionalString(obj, name);
        if (string.IsNullOrEmpty(s)) throw new HookInputException($"{where} has no '{name}'");
        return s;
    }

    /// <summary>The first of <paramref name="names"/> present as a string.</summary>
    protected static string? FirstString(JsonElement obj, params string[] names)
    {
        foreach (var n in names)
            if (OptionalString(obj, n) is { Length: > 0 } s) return s;
        return null;
    }

    protected static string RequireAbsolute(string? dir, string what)
    {
        if (string.IsNullOrEmpty(dir)) throw new HookInputException($"the hook payload has no {what}");
        if (!dir.StartsWith('/')) throw new HookInputException($"the payload's {what} must be an absolute path, got '{dir}'");
        return dir;
    }

    protected static JsonElement RequireToolInput(JsonElement root, string field = "tool_input")
    {
        if (!root.TryGetProperty(field, out var input) || input.ValueKind == JsonValueKind.Null)
            throw new HookInputException($"the hook payload has no '{field}'");
        if (input.ValueKind != JsonValueKind.Object)
            throw new HookInputException($"field '{field}' must be an object, got {input.ValueKind.ToString().ToLowerInvariant()}");
        return input;
    }

    /// <summary>A shell command; <paramref name="tool"/> is the host's shell tool name (Bash, run_shell_command) that agent scopes list.</summary>
    protected static ActionRequest Shell(string command, string cwd, string? session, HookContext ctx, string? tool = null) => new()
    {
        Source = ActionSource.Shell, Command = command, Tool = tool, Cwd = cwd, Session = session, Agent = ctx.Agent, Home = ctx.Home,
    };

    /// <summary>A file or web tool's action; <paramref name="input"/> (the whole tool input) is bound into the approval digest by its hash.</summary>
    protected static ActionRequest FileTool(string tool, string? path, string cwd, string? session, HookContext ctx, JsonElement? input = null) => new()
    {
        Source = ActionSource.File, Tool = tool, Path = path, Cwd = cwd, Session = session, Agent = ctx.Agent, Home = ctx.Home,
        ContentHash = input is { ValueKind: JsonValueKind.Object } i ? Interlock.Approvals.ActionDigest.ContentHashOf(i) : null,
        ToolInput = input is { ValueKind: JsonValueKind.Object } shown ? shown.Clone() : null,
    };

    protected static ActionRequest Mcp(string tool, JsonElement arguments, string cwd, string? session, HookContext ctx) => new()
    {
        Source = ActionSource.Mcp, Tool = tool, Arguments = arguments.Clone(), Cwd = cwd, Session = session, Agent = ctx.Agent, Home = ctx.Home,
    };
}
