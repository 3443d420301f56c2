using System.Text;

namespace Interlock.Storage.Previews.Git;

/// <summary>
/// One git command as written (<c>git -C sub push -f origin main</c>): the directory it runs in after <c>-C</c>, its
/// subcommand and arguments. Read from the operation's text, which the analyzer already cut out of the whole command.
/// </summary>
public sealed record GitInvocation(string Directory, string Subcommand, IReadOnlyList<string> Args)
{
    /// <summary>The invocation in <paramref name="text"/> run from <paramref name="cwd"/>, or null when it is not a plain git command (expansions, other programs).</summary>
    public static GitInvocation? Parse(string text, string cwd)
    {
        if (Words(text) is not { } words) return null;
        int i = words.FindIndex(w => w == "git" || w.EndsWith("/git", StringComparison.Ordinal));
        if (i < 0) return null;
        var dir = cwd;
        for (i++; i < words.Count; i++)
        {
            var w = words[i];
            if (w == "-C" && i + 1 < words.Count) dir = Path.GetFullPath(words[++i], dir);
            else if (w is "-c" && i + 1 < words.Count) i++;
            else if (w.StartsWith("--git-dir", StringComparison.Ordinal) || w.StartsWith("--work-tree", StringComparison.Ordinal) || w.StartsWith("--namespace", StringComparison.Ordinal))
                return null; // A repository named some other way: not worth guessing at.
            else if (w.StartsWith('-')) continue;
            else return new GitInvocation(dir, w, words[(i + 1)..]);
        }
        return null;
    }

    /// <summary>Shell words of a simple command with quotes removed; null when it holds expansions or operators a preview should not guess at.</summary>
    internal static List<string>? Words(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord) { words.Add(sb.ToString()); sb.Clear(); inWord = false; }
                    break;
                case '\'':
                    int end = text.IndexOf('\'', i + 1);
                    if (end < 0) return null;
                    sb.Append(text, i + 1, end - i - 1); i = end; inWord = true;
                    break;
                case '"':
                    inWord = true;
                    for (i++; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] is '$' or '`') return null;
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`') i++;
                        sb.Append(text[i]);
                    }
                    if (i >= text.Length) return null;
                    break;
                case '\\':
                    if (i + 1 < text.Length) sb.Append(text[++i]);
                    inWord = true;
                    break;
                case '$' or '`' or ';' or '|' or '&' or '<' or '>' or '(' or ')':
                    return null;
                default:
                    sb.Append(c); inWord = true;
                    break;
            }
        }
        if (inWord) words.Add(sb.ToString());
        return words;
    }
}
