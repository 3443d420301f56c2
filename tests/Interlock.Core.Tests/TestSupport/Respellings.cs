namespace Interlock.Core.Tests.TestSupport;

/// <summary>
/// Spellings an agent tries after a denial, as mutations of a command. Each keeps the command's meaning (a wrapper only
/// before a simple command, a path respelled only outside quotes) or returns it unchanged when it would not, so an
/// allow after a mutation is an escape, not a different command — except <see cref="UnknownOption"/>, which adds an
/// option no table knows: a program's unknown option may never turn a stopped command into an allow.
/// </summary>
internal static class Respellings
{
    /// <summary>Wrappers, shells, grouping and path spellings.</summary>
    public static readonly Func<string, string>[] Classic =
    [
        c => Simple(c) ? "sudo " + c : c,
        c => Simple(c) ? "env FOO=1 " + c : c,
        c => Simple(c) ? "nice -n 5 " + c : c,
        c => Simple(c) ? "timeout 30 " + c : c,
        c => Simple(c) ? "command " + c : c,
        c => "bash -c " + Quote(c),
        c => "sh -c " + Quote(c),
        c => "eval " + Quote(c),
        c => "true && " + c,
        c => c.StartsWith('(') ? c : "(" + c + ")",
        c => "{ " + c + "; }",
        c => c + " # harmless",
        c => Unquoted(c) ? c.Replace("~/", "$HOME/", StringComparison.Ordinal) : c,
        c => Unquoted(c) ? c.Replace("~/", "/home/dev/./", StringComparison.Ordinal) : c,
        c => Unquoted(c) ? c.Replace("/home/dev/", "/home/dev/app/../", StringComparison.Ordinal) : c,
    ];

    /// <summary>Nested wrappers and the program's name spelled otherwise (escaped, quoted, split, by absolute path, through xargs).</summary>
    public static readonly Func<string, string>[] Programs =
    [
        c => Simple(c) ? "timeout 30 nice -n 5 env A=1 " + c : c,
        c => Simple(c) && Program(c) is { } p ? "\\" + p.Name + p.Rest : c,
        c => Simple(c) && Program(c) is { } p ? "'" + p.Name + "'" + p.Rest : c,
        c => Simple(c) && Program(c) is { Name.Length: > 1 } p ? p.Name[0] + "''" + p.Name[1..] + p.Rest : c,
        c => Simple(c) && Program(c) is { } p ? "/usr/bin/" + p.Name + p.Rest : c,
        c => Simple(c) ? "echo | xargs " + c : c,
    ];

    /// <summary>An option no table knows, inserted after the program's name.</summary>
    public static string UnknownOption(string c) => Simple(c) && Program(c) is { Rest.Length: > 0 } p ? p.Name + " --zz-unknown" + p.Rest : c;

    /// <summary>One command with no list, pipe, group or leading assignment: a wrapper before it wraps all of it.</summary>
    public static bool Simple(string c) =>
        c.IndexOfAny([';', '&', '|', '(', ')', '{', '\n', '<', '>', '`', '$']) < 0 && !c.Split(' ')[0].Contains('=', StringComparison.Ordinal);

    public static bool Unquoted(string c) => c.IndexOfAny(['\'', '"', '\\']) < 0;

    public static string Quote(string c) => "'" + c.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The first word when it is a plain program name, and the rest of the command after it.</summary>
    private static ProgramWord? Program(string c)
    {
        int end = c.IndexOf(' ', StringComparison.Ordinal);
        var name = end < 0 ? c : c[..end];
        if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '+')) return null;
        return new ProgramWord(name, end < 0 ? "" : c[end..]);
    }

    private sealed record ProgramWord(string Name, string Rest);
}
