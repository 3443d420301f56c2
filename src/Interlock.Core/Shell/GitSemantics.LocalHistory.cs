using Interlock.Actions;

namespace Interlock.Shell;

// git verbs that drop local work or history: checkout and restore over changes, forced branch renames, forced fetches
// into local branches, and rebase plans edited by a program.
internal sealed partial class ShellAnalysisRun
{
    internal StreamSource? GitCheckout(SemanticsCall c)
    {
        var op = c.Op;
        if (c.Inv.HasAnyFlag("-b|-B|--orphan|--track|-t|--detach")) return null;
        bool discards = c.Inv.AfterDoubleDash >= 0 || c.Operands.Any(o => o.Text is "." or "*" or ":/");
        if (op.Verb == "restore")
        {
            // Read letters from the words: git's table takes -S as log's pickaxe option, so `-SW` would be -S with value W.
            discards = !(c.Inv.HasShortLetter('S') || c.Inv.HasAnyFlag("--staged")) || c.Inv.HasShortLetter('W') || c.Inv.HasAnyFlag("--worktree");
        }
        if (discards)
        {
            op.Class = OperationClass.HistoryRewrite;
            op.Reason = "discards uncommitted changes to files";
            op.Irreversible = true;
        }
        ApplyGitOutside(op);
        return null;
    }

    /// <summary><c>git branch -M|-C OLD NEW</c> renames or copies over NEW whether or not it exists, dropping NEW's commits from it.</summary>
    internal StreamSource? GitBranchForce(SemanticsCall c)
    {
        var op = c.Op;
        // The flag must follow the subcommand: `git -C DIR branch …` is the global directory option.
        // Read from the words themselves: the table takes -C for git's global option and its next word as that value.
        int start = c.Inv.PositionalIndexes[0] + 1;
        var words = c.Inv.Args.Skip(start).ToList();
        bool force = words.Exists(a => a.Text is "-M" or "-C") || (words.Exists(a => a.Text is "-m" or "-c") && words.Exists(a => a.Text is "-f" or "--force"));
        if (!force || words.Count(a => !a.Text.StartsWith('-')) < 2) return null;
        op.Class = OperationClass.HistoryRewrite;
        op.Irreversible = true;
        op.Reason = "renames or copies a branch over an existing one, dropping that branch's commits";
        ApplyGitOutside(op);
        return null;
    }

    /// <summary>
    /// <c>git fetch REMOTE +SRC:DST</c>: a forced refspec overwrites DST whatever it held. Into a local branch or tag
    /// (<c>+main:main</c>, <c>+*:refs/heads/*</c>) that drops its local commits; into <c>refs/remotes/</c> it only moves
    /// the remote-tracking copy, which is what every plain fetch does.
    /// </summary>
    internal StreamSource? GitFetchRefspecs(SemanticsCall c)
    {
        foreach (var arg in c.Operands)
        {
            if (arg.Dynamic) return null;
            var text = arg.Text;
            if (!text.StartsWith('+')) continue;
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            // `+refs/tags/*` alone stores the tags under their own names.
            var destination = colon < 0 ? (text.StartsWith("+refs/tags/", StringComparison.Ordinal) ? text[1..] : "") : text[(colon + 1)..];
            if (destination.Length > 0 && !destination.StartsWith("refs/remotes/", StringComparison.Ordinal)) return null;
        }
        var op = c.Op;
        op.Class = OperationClass.Update;
        op.Irreversible = false;
        op.Reason = "updates remote-tracking branches from the remote";
        return null;
    }

    /// <summary>Rebase verbs that keep a commit's changes (folded into another, reworded, stopped at): no work is lost.</summary>
    private static readonly string[] KeepingVerbs = ["pick", "p", "fixup", "f", "squash", "s", "reword", "r", "edit", "e"];

    /// <summary>
    /// Whether a sequence editor keeps every commit's changes: <c>:</c> (the plan as git wrote it), or one sed
    /// substitution turning picks into verbs that keep them (<c>sed -i 's/^pick/fixup/'</c>, with a line range).
    /// </summary>
    private static bool KeepsEveryCommit(string text)
    {
        var t = text.Trim();
        if (t is ":" or "true" or "/bin/true" or "cat") return true;
        if (!t.StartsWith("sed -i", StringComparison.Ordinal)) return false;
        int s = t.IndexOf("s/", StringComparison.Ordinal);
        if (s < 0 || t.IndexOf("s/", s + 2, StringComparison.Ordinal) >= 0 || t.Contains(';', StringComparison.Ordinal)) return false;
        // Between `sed -i` and the substitution: quotes, -e, a line range; nothing that is another sed command.
        foreach (var ch in t.AsSpan(6, s - 6))
            if (!(ch is ' ' or '\'' or '"' or ',' or '$' or '-' or 'e' || char.IsAsciiDigit(ch))) return false;
        var parts = t[(s + 2)..].TrimEnd('\'', '"', ' ').Split('/');
        return parts.Length == 3 && Array.IndexOf(KeepingVerbs, parts[1]) >= 0 && parts[2] is "" or "g";
    }
}
