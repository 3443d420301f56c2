using Interlock.Risk;

namespace Interlock.Policy;

/// <summary>
/// An agent identity's scope: the highest tier it may act in, the tools, resources (globs over operation targets)
/// and actions (operation classes) it may use. A null or zero field places no limit.
/// </summary>
public sealed record AgentScope(string Id, Glob IdPattern, Tier? Ceiling, Glob[]? Tools, Glob[]? Resources, int Actions, string File, int Line, int Column = 1);

/// <summary>A resource no destructive operation may touch, whoever asks; only editing the policy removes it.</summary>
public sealed record ProtectedResource(string Pattern, Glob Glob, string File, int Line, int Column = 1);

/// <summary>An <c>include:</c> entry: a policy file path relative to the including file, with its position.</summary>
public sealed record PolicyInclude(string Path, int Line, int Column);
