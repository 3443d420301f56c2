using System.Text.Json;

namespace Interlock.Actions;

/// <summary>Where an action came from; every adapter normalizes into one of these.</summary>
public enum ActionSource { Shell, File, Mcp, Http, Job }

/// <summary>A proposed action, normalized from any entry point; the input of the pipeline.</summary>
public sealed record ActionRequest
{
    /// <summary>Caller's correlation id, echoed back.</summary>
    public string? Id { get; init; }
    public ActionSource Source { get; init; } = ActionSource.Shell;
    /// <summary>Agent identity; null means the default agent.</summary>
    public string? Agent { get; init; }
    public string? Session { get; init; }
    /// <summary>Tool name for non-shell actions (<c>Read</c>, <c>Write</c>, an MCP tool …).</summary>
    public string? Tool { get; init; }
    /// <summary>Job topic such as <c>job.prod.destroy</c>.</summary>
    public string? Topic { get; init; }
    /// <summary>Shell command text.</summary>
    public string? Command { get; init; }
    /// <summary>Working directory (the agent's workspace); relative paths resolve against it.</summary>
    public string? Cwd { get; init; }
    /// <summary>File path for file tools.</summary>
    public string? Path { get; init; }
    /// <summary>Home directory that <c>~</c> and <c>$HOME</c> resolve to.</summary>
    public string? Home { get; init; }
    /// <summary>Caller-supplied risk tags: they can only add risk.</summary>
    public IReadOnlyList<string> RiskTags { get; init; } = [];
    /// <summary>Tool-call arguments as JSON, when the action is a tool call.</summary>
    public JsonElement? Arguments { get; init; }
    /// <summary>
    /// A file tool's whole input as a hook received it (the content a Write would store), for previews only: never
    /// analyzed, recorded or part of the digest, which binds it through <see cref="ContentHash"/> instead.
    /// </summary>
    public JsonElement? ToolInput { get; init; }
    /// <summary>
    /// SHA-256 (lowercase hex) of what the action carries beyond its path: a file tool's whole input (the content it
    /// writes, the text it replaces). Part of the approval digest, so an approval never covers other content.
    /// </summary>
    public string? ContentHash { get; init; }
    /// <summary>The HTTP request, when the action is one (<see cref="ActionSource.Http"/> with a URL).</summary>
    public HttpCall? Http { get; init; }
}
