using Interlock.Actions;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// One knowledge pack file: programs described as data (names, option grammar, rows) and the pack's own test cases.
/// <see cref="Hash"/> is over the file's exact text; it joins the policy hash, since a pack changes decisions.
/// </summary>
public sealed record KnowledgePack(string File, string Hash, IReadOnlyList<ProgramSpec> Programs, IReadOnlyList<PackTest> Tests);

/// <summary>A pack test: a command, the decision it must get (default policy plus the packs), and optionally an operation class among its facts.</summary>
public sealed record PackTest(string Command, Outcome? Decision, OperationClass? Class, string? Cwd, int Line, int Column);

/// <summary>A problem in a pack, at its place in the file.</summary>
public sealed record PackError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>The outcome of reading a pack: the pack, or every error found.</summary>
public sealed record PackLoadResult(KnowledgePack? Pack, IReadOnlyList<PackError> Errors)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Pack))]
    public bool Success => Pack is not null;
}
