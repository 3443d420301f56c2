namespace Interlock.Shell;

/// <summary>
/// Parses bash command text into a <see cref="ShellScript"/>. Never throws; bounded by <see cref="ShellParserLimits"/>;
/// linear in the input length (times the nesting depth for a few look-ahead scans).
/// </summary>
public static class ShellParser
{
    public static ShellParseResult Parse(string text, ShellParserLimits? limits = null)
    {
        limits ??= ShellParserLimits.Default;
        if (text is null) return new ShellParseResult(ShellScript.Empty, "input is null", 0, null);
        if (text.Length > limits.MaxLength)
        {
            return new ShellParseResult(
                ShellScript.Empty,
                $"input is {text.Length} characters, over the length budget of {limits.MaxLength}",
                limits.MaxLength,
                "length");
        }

        try
        {
            var state = new ShellParserState(limits);
            var parser = new ShellParserCore(text, state, 0, text.Length);
            var script = parser.ParseProgram();
            if (state.Budget is not null) return new ShellParseResult(ShellScript.Empty, state.Error, state.ErrorPosition, state.Budget) { Steps = state.Steps };
            if (state.Error is not null) return new ShellParseResult(script, state.Error, state.ErrorPosition, null) { Steps = state.Steps };
            return new ShellParseResult(script, null, -1, null) { Steps = state.Steps };
        }
        catch (Exception ex)
        {
            // Defensive only: the parser is written not to throw.
            return new ShellParseResult(ShellScript.Empty, "internal parser error: " + ex.GetType().Name, 0, null);
        }
    }
}

/// <summary>Mutable state shared by a parse and its nested (backtick) sub-parses.</summary>
internal sealed class ShellParserState(ShellParserLimits limits)
{
    public ShellParserLimits Limits { get; } = limits;
    public int Nodes { get; set; }

    /// <summary>
    /// Deterministic work done: characters examined by every scan and look-ahead, loop passes, nodes and nesting levels.
    /// Tests bound it by the input length instead of timing the parser (a loaded machine makes any time limit flaky).
    /// </summary>
    public long Steps { get; set; }
    public int Depth { get; set; }
    public string? Error { get; private set; }
    public int ErrorPosition { get; private set; } = -1;
    public string? Budget { get; private set; }
    public bool Failed => Error is not null;

    public void Fail(string message, int position)
    {
        if (Error is not null) return;
        Error = message;
        ErrorPosition = position;
    }

    public void Exceed(string budget, string message, int position)
    {
        if (Error is not null) return;
        Error = message;
        ErrorPosition = position;
        Budget = budget;
    }
}
