using Interlock.Actions;

namespace Interlock.Knowledge.Statements;

/// <summary>What one statement of an embedded language (SQL, Redis, Mongo shell) does.</summary>
public sealed record StatementFinding(string Verb, OperationClass Class, string Reason, IReadOnlyList<string> Targets, bool Critical = false, string? ShellCommand = null);
