using Interlock.Previews;

namespace Interlock.Storage.Previews.Git;

/// <summary>Commands that drop refs: <c>branch -D</c> (commits no other branch or upstream reaches) and <c>stash drop</c>/<c>clear</c>.</summary>
internal static class GitRefPreview
{
    public static async Task<Preview?> BranchAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        bool delete = false, force = false;
        var names = new List<string>();
        foreach (var a in args)
        {
            if (a is "--delete") delete = true;
            else if (a is "--force") force = true;
            else if (a is "-r" or "--remotes" or "-m" or "-M" or "-c" or "-C") return null;
            else if (a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal))
            {
                delete |= a.Contains('D', StringComparison.Ordinal) || a.Contains('d', StringComparison.Ordinal);
                force |= a.Contains('D', StringComparison.Ordinal) || a.Contains('f', StringComparison.Ordinal);
            }
            else if (!a.StartsWith('-')) names.Add(a);
        }
        // Without force git refuses to delete a branch that is not merged: nothing can be lost.
        if (!delete || !force || names.Count == 0) return null;
        var locals = await git.LinesAsync("for-each-ref", "--format=%(refname:short)", "refs/heads/").ConfigureAwait(false);
        var items = new List<PreviewItem>();
        long total = 0;
        var lostPer = new List<string>();
        foreach (var name in names)
        {
            if (!locals.Contains(name)) continue;
            var others = locals.Where(b => !names.Contains(b)).Select(b => "refs/heads/" + b).ToList();
            var upstream = (await git.TryAsync("rev-parse", "--symbolic-full-name", name + "@{upstream}").ConfigureAwait(false))?.Trim();
            if (upstream is { Length: > 0 }) others.Add(upstream);
            var count = await git.CountAsync(["refs/heads/" + name], others).ConfigureAwait(false);
            total += count;
            lostPer.Add($"{GitPreviewer.Plural(count, "commit", "commits")} only on {name}");
            foreach (var c in await git.CommitsAsync(["refs/heads/" + name], others, budget.MaxItems - items.Count).ConfigureAwait(false))
                items.Add(new PreviewItem("commit", c.Text, $"{c.Date} on {name}, merged into no other branch{(upstream is { Length: > 0 } ? " nor its upstream" : "")}; in the reflog until it expires"));
        }
        if (lostPer.Count == 0) return null;
        var headline = total == 0
            ? $"branch -D {string.Join(' ', names)} loses no commits: every one is on another branch or upstream"
            : $"branch -D loses {string.Join(", ", lostPer)} (merged into no other local branch nor its upstream)";
        return GitPreviewer.Build(headline, total, "commits", items, total, budget);
    }

    public static async Task<Preview?> StashAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        if (args.Count == 0 || args[0] is not ("drop" or "clear")) return null;
        var entries = (await git.LinesAsync("stash", "list", "--format=%gd%x1f%s").ConfigureAwait(false))
            .Select(l => l.Split('\x1f', 2)).Where(p => p.Length == 2).Select(p => (Ref: p[0], Subject: p[1])).ToList();
        if (args[0] == "drop")
        {
            var which = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-')) ?? "stash@{0}";
            if (int.TryParse(which, out var n)) which = $"stash@{{{n}}}";
            entries = [.. entries.Where(e => e.Ref == which)];
        }
        var items = new List<PreviewItem>();
        long files = 0;
        foreach (var (reference, subject) in entries)
        {
            // By hash: git reads stash@{n}^3 as a reflog walk, not as the entry's third parent.
            var hash = await git.CommitAsync(reference).ConfigureAwait(false) ?? throw new GitLookFailed($"'{reference}' names no commit");
            var changed = await git.NumstatAsync(hash + "^1", hash).ConfigureAwait(false);
            // An entry made with -u keeps its untracked files in a third parent.
            var untracked = await git.CommitAsync(hash + "^3").ConfigureAwait(false) is null ? [] : await git.LinesAsync("ls-tree", "-r", "--name-only", hash + "^3").ConfigureAwait(false);
            var n = changed.Count + untracked.Count;
            files += n;
            if (items.Count < budget.MaxItems)
                items.Add(new PreviewItem("stash", $"{reference}: {subject}",
                    $"{GitPreviewer.Plural(n, "file", "files")} (+{changed.Sum(c => c.Added)} -{changed.Sum(c => c.Removed)} lines{(untracked.Count > 0 ? $", {untracked.Count} untracked" : "")}); dropped entries are unreachable, only git fsck finds them until gc"));
        }
        var what = args[0] == "clear" ? "stash clear" : "stash drop";
        var headline = entries.Count == 0
            ? $"{what} drops nothing: no such stash entry"
            : $"{what} loses {GitPreviewer.Plural(entries.Count, "stash entry", "stash entries")} ({GitPreviewer.Plural(files, "file", "files")})";
        return GitPreviewer.Build(headline, entries.Count, "stash entries", items, entries.Count, budget);
    }
}
