using Interlock.Actions;

namespace Interlock.Knowledge.Statements;

/// <summary>
/// What one statement of an embedded language (SQL, Redis, Mongo shell) does. <see cref="ShellCommand"/> is a shell
/// command the statement runs: on the database server, or on the client's machine when <see cref="ClientSide"/>
/// (<c>\!</c>, <c>.shell</c>, <c>\o |cmd</c>).
/// </summary>
public sealed record StatementFinding(string Verb, OperationClass Class, string Reason, IReadOnlyList<string> Targets, bool Critical = false, string? ShellCommand = null, bool ClientSide = false);

/// <summary>One statement of a SQL text as written (trimmed), whether it is a client command, and what it does.</summary>
public sealed record SqlStatementText(string Text, bool ClientCommand, IReadOnlyList<StatementFinding> Findings);
