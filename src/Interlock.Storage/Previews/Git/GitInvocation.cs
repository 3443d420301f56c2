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
        if (OperationWords.Of(text) is not { } words) return null;
        int i = words.ToList().FindIndex(w => w == "git" || w.EndsWith("/git", StringComparison.Ordinal));
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
            else return new GitInvocation(dir, w, [.. words.Skip(i + 1)]);
        }
        return null;
    }
}
