using Interlock.Previews;

namespace Interlock.Storage.Previews.Git;

/// <summary><c>git clean</c>: the same flags plus <c>-n</c> (git's own dry run) lists what would go; each file is counted and sized.</summary>
internal static class GitCleanPreview
{
    public static async Task<Preview?> RunAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget)
    {
        if (args.Any(a => a is "-n" or "--dry-run" || a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('n', StringComparison.Ordinal)))
            return null; // It previews itself.
        // Interactive and quiet modes would change what git prints; the dry run answers the same question without them.
        var dry = args.Where(a => a is not ("-i" or "--interactive" or "-q" or "--quiet"))
            .Select(a => a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal) ? a.Replace("i", "", StringComparison.Ordinal).Replace("q", "", StringComparison.Ordinal) : a)
            .Where(a => a != "-").ToList();
        var lines = await git.LinesAsync(["clean", "-n", .. dry]).ConfigureAwait(false);
        var entries = new List<(string Path, long Files, long Bytes)>();
        long files = 0, bytes = 0, walked = 0;
        bool stopped = false;
        foreach (var line in lines)
        {
            const string prefix = "Would remove ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rel = line[prefix.Length..];
            var full = Path.GetFullPath(rel, git.Directory);
            long f = 0, b = 0;
            if (Directory.Exists(full))
            {
                foreach (var file in new DirectoryInfo(full).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
                {
                    if (++walked > budget.MaxEntries) { stopped = true; break; }
                    f++; b += file.Length;
                }
            }
            else if (new FileInfo(full) is { Exists: true } fi) { walked++; f = 1; b = fi.Length; }
            else if (Files.FileWalker.IsLink(full)) { walked++; f = 1; }
            files += f; bytes += b;
            entries.Add((rel, f, b));
            if (stopped || walked > budget.MaxEntries) { stopped = true; break; }
        }
        var items = entries.OrderByDescending(e => e.Bytes).ThenBy(e => e.Path, StringComparer.Ordinal)
            .Select(e => new PreviewItem(e.Path.EndsWith('/') ? "directory" : "file", e.Path,
                e.Path.EndsWith('/') ? $"{GitPreviewer.Plural(e.Files, "file", "files")}, {Size(e.Bytes)}, untracked: no reflog keeps it" : $"{Size(e.Bytes)}, untracked: no reflog keeps it"))
            .ToList();
        var headline = files == 0 && entries.Count == 0
            ? "clean removes nothing"
            : $"clean removes {GitPreviewer.Plural(files, "file", "files")} ({Size(bytes)}) in {GitPreviewer.Plural(entries.Count, "entry", "entries")}";
        var preview = GitPreviewer.Build(headline, files, "files", items, entries.Count, budget, bytes);
        return stopped ? preview with { Status = PreviewStatus.Incomplete, Limit = $"entry budget of {GitPreviewer.N(budget.MaxEntries)} files walked", Headline = headline + $" or more (stopped at {GitPreviewer.N(budget.MaxEntries)} files)" } : preview;
    }

    /// <summary>Bytes as a reviewer reads them: <c>38.2 MB</c>.</summary>
    internal static string Size(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} B",
        < 1_000_000 => (bytes / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GB",
    };
}
