using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

/// <summary>
/// The parser's work bound, counted in steps (<see cref="ShellParseResult.Steps"/>) instead of timed: a time limit fails
/// on a loaded machine, while a step bound fails only when the parser does more work for the same input.
/// </summary>
internal static class ParserWork
{
    /// <summary>
    /// Steps allowed per input character: a small constant for the scans, loop passes and nodes, plus one per nesting
    /// level the depth budget allows, because a few look-ahead scans (<c>$((</c>, subscripts, backquotes) read ahead
    /// again at each level (measured: at most 12 a character for ordinary input, 65 for 5,000 nested <c>$((</c> cut
    /// at depth 64). A parse quadratic in the input, or exponential, breaks it by orders of magnitude.
    /// </summary>
    public const long StepsPerCharacter = 16;

    /// <summary>Parses <paramref name="text"/> and asserts the work stayed linear in its length.</summary>
    public static ShellParseResult Parse(string text, ShellParserLimits? limits = null)
    {
        var r = ShellParser.Parse(text, limits);
        var bound = (text.Length + 1L) * (StepsPerCharacter + (limits ?? ShellParserLimits.Default).MaxDepth + 1);
        Assert.True(r.Steps <= bound, $"parse did {r.Steps} steps for {text.Length} characters (bound {bound}): <{(text.Length > 200 ? text[..200] + "…" : text)}>");
        return r;
    }
}
