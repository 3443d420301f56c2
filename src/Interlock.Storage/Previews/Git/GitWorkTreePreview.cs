using Interlock.Previews;

namespace Interlock.Storage.Previews.Git;

/// <summary>
/// Commands that overwrite the work tree: <c>reset --hard</c> (uncommitted changes, and commits that leave the branch),
/// <c>checkout -- PATH</c> and <c>restore PATH</c> (the modifications they revert), each file with its line counts.
/// </summary>
internal static class GitWorkTreePreview
{
    private const string Uncommitted = "uncommitted: no reflog keeps it";

    public static async Task<Preview?> ResetAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        if (!args.Contains("--hard")) return null; // --soft and --mixed keep the work tree.
        var rest = args.Where(a => !a.StartsWith('-')).ToList();
        var rev = rest.Count > 0 ? rest[0] : "HEAD";
        if (await git.CommitAsync(rev).ConfigureAwait(false) is not { } target) throw new GitLookFailed($"'{rev}' names no commit");
        var head = await git.CommitAsync("HEAD").ConfigureAwait(false);
        var files = head is null ? [] : await git.NumstatAsync("HEAD").ConfigureAwait(false);
        long commits = 0;
        IReadOnlyList<LostCommit> lost = [];
        if (head is not null && head != target)
        {
            // What leaves the branch: reachable from where it is now, not from where it is moved to.
            commits = await git.CountAsync(["HEAD"], [target]).ConfigureAwait(false);
            lost = await git.CommitsAsync(["HEAD"], [target], budget.MaxItems).ConfigureAwait(false);
        }
        var branch = (await git.TryAsync("symbolic-ref", "--short", "-q", "HEAD").ConfigureAwait(false))?.Trim() ?? "HEAD";
        var items = FileItems(files).Concat(lost.Select(c => new PreviewItem("commit", c.Text, $"{c.Date}; leaves {branch}, in the reflog until it expires"))).ToList();
        var parts = new List<string>();
        if (files.Count > 0) parts.Add($"uncommitted changes in {GitPreviewer.Plural(files.Count, "file", "files")} ({Totals(files)})");
        if (commits > 0) parts.Add($"{GitPreviewer.Plural(commits, "commit", "commits")} from {branch}");
        var headline = parts.Count == 0 ? $"reset --hard to {rev} loses nothing: no uncommitted changes and {branch} keeps its commits" : $"reset --hard to {rev} loses {string.Join(" and ", parts)}";
        var unit = files.Count > 0 && commits > 0 ? "files and commits" : commits > 0 ? "commits" : "files";
        return GitPreviewer.Build(headline, files.Count + commits, unit, items, files.Count + commits, budget);
    }

    public static async Task<Preview?> CheckoutAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        int dash = IndexOf(args, "--");
        bool force = args.Any(a => a is "-f" or "--force");
        var before = (dash < 0 ? args : args.Take(dash)).Where(a => !a.StartsWith('-')).ToList();
        if (args.Any(a => a is "-b" or "-B" or "--orphan" or "-p" or "--patch")) return null;
        List<string> paths;
        string? source = null;
        if (dash >= 0)
        {
            paths = [.. args.Skip(dash + 1)];
            source = before.FirstOrDefault();
        }
        else if (before.Count == 1 && await git.CommitAsync(before[0]).ConfigureAwait(false) is not null)
        {
            // Switching branches keeps local changes unless forced, and git refuses where they would be overwritten.
            if (!force) return null;
            return await Revert(git, "checkout -f " + before[0], ["HEAD"], budget).ConfigureAwait(false);
        }
        else if (before.Count > 1 && await git.CommitAsync(before[0]).ConfigureAwait(false) is not null)
        {
            source = before[0];
            paths = before[1..];
        }
        else paths = before;
        if (paths.Count == 0) return null;
        // From the index (no source) the staged content stays; from a commit both the index and the work tree go back to it.
        return await Revert(git, $"checkout {(source is null ? "" : source + " ")}-- {string.Join(' ', paths)}", [source ?? "", "--", .. paths], budget).ConfigureAwait(false);
    }

    public static async Task<Preview?> RestoreAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        string? source = null;
        bool staged = false, worktree = false;
        var paths = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a is "-s" or "--source" && i + 1 < args.Count) source = args[++i];
            else if (a.StartsWith("--source=", StringComparison.Ordinal)) source = a["--source=".Length..];
            else if (a is "-S" or "--staged") staged = true;
            else if (a is "-W" or "--worktree") worktree = true;
            else if (a is "-SW" or "-WS") staged = worktree = true;
            else if (a is "-p" or "--patch") return null;
            else if (a == "--") paths.AddRange(args.Skip(i + 1));
            else if (!a.StartsWith('-')) paths.Add(a);
            else continue;
            if (a == "--") break;
        }
        if (staged && !worktree) return null; // Only the index goes back; the work tree keeps every change.
        if (paths.Count == 0) return null;
        source ??= staged ? "HEAD" : null;
        return await Revert(git, $"restore {string.Join(' ', paths)}", [source ?? "", "--", .. paths], budget).ConfigureAwait(false);
    }

    private static async Task<Preview> Revert(GitRunner git, string what, string[] diffArgs, PreviewBudget budget)
    {
        var files = await git.NumstatAsync([.. diffArgs.Where(a => a.Length > 0)]).ConfigureAwait(false);
        var headline = files.Count == 0
            ? $"{what} reverts nothing: no modified files there"
            : $"{what} reverts {GitPreviewer.Plural(files.Count, "modified file", "modified files")} ({Totals(files)})";
        return GitPreviewer.Build(headline, files.Count, "files", [.. FileItems(files)], files.Count, budget);
    }

    private static IEnumerable<PreviewItem> FileItems(IReadOnlyList<FileChange> files) =>
        files.OrderByDescending(f => f.Added + f.Removed).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new PreviewItem("file", f.Path, $"{f.Lines}, {Uncommitted}"));

    private static string Totals(IReadOnlyList<FileChange> files) => $"+{files.Sum(f => f.Added)} -{files.Sum(f => f.Removed)} lines";

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
