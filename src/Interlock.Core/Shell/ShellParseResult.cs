namespace Interlock.Shell;

/// <summary>Bounds on parsing work; exceeding one stops the parse with <see cref="ShellParseResult.BudgetExceeded"/>.</summary>
public sealed record ShellParserLimits
{
    public static readonly ShellParserLimits Default = new();

    /// <summary>Longest accepted input, in characters.</summary>
    public int MaxLength { get; init; } = 64 * 1024;

    /// <summary>Deepest nesting of subshells, groups, substitutions and compound commands.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most syntax nodes (words, parts, commands) in one parse.</summary>
    public int MaxNodes { get; init; } = 20_000;
}

/// <summary>The outcome of parsing: a script, or an error with its position. Parsing never throws.</summary>
public sealed record ShellParseResult(ShellScript Script, string? Error, int ErrorPosition, string? BudgetExceeded)
{
    public bool Success => Error is null && BudgetExceeded is null;

    public static ShellParseResult Ok(ShellScript script) => new(script, null, -1, null);

    /// <summary>The parser's deterministic work count (<see cref="ShellParserState.Steps"/>): what tests bound instead of time.</summary>
    internal long Steps { get; init; }
}
