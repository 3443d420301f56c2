namespace Interlock.Shell;

/// <summary>Quoting for bash, so that joining an argument vector into one command line keeps each argument whole.</summary>
public static class ShellQuoting
{
    /// <summary><paramref name="word"/> as bash reads it back as one word, unchanged: plain when safe, else single-quoted.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',' or '+' or '@' or '%')) return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>An argument vector as one command line.</summary>
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));
}
