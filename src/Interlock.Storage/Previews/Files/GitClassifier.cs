using Interlock.Shell;
using Interlock.Storage.Previews.Git;

namespace Interlock.Storage.Previews.Files;

/// <summary>Where a file stands with git: what deleting or overwriting it loses.</summary>
public enum FileStanding
{
    /// <summary>Tracked and unchanged since the last commit: git has it.</summary>
    Tracked,
    /// <summary>Tracked with uncommitted changes: the changes are lost.</summary>
    Modified,
    /// <summary>Not tracked, and not ignored: nothing has a copy.</summary>
    Untracked,
    /// <summary>Ignored by git (build output, dependencies, local settings): nothing has a copy.</summary>
    Ignored,
    /// <summary>Outside the workspace the agent works in.</summary>
    Outside,
}

/// <summary>
/// Classifies files by their repository with three <c>git ls-files</c>/<c>git diff</c> calls per repository (never per
/// file): tracked, changed since HEAD, and untracked-but-not-ignored; the rest of a repository's files are ignored.
/// </summary>
public sealed class GitClassifier(string workspace, CancellationToken cancellationToken)
{
    /// <summary>How many paths are given to git as pathspecs before it is asked about the whole repository instead.</summary>
    private const int MaxPathspecs = 500;

    public bool Incomplete { get; private set; }

    public async Task<IReadOnlyDictionary<string, FileStanding>> ClassifyAsync(IReadOnlyList<FoundFile> files, IReadOnlyList<string> roots)
    {
        var result = new Dictionary<string, FileStanding>(StringComparer.Ordinal);
        var byRepo = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rootCache = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            if (!PathResolver.IsUnder(f.Path, workspace)) { result[f.Path] = FileStanding.Outside; continue; }
            var repo = RepoOf(Path.GetDirectoryName(f.Path) ?? "/", rootCache);
            if (repo is null) { result[f.Path] = FileStanding.Untracked; continue; }
            if (!byRepo.TryGetValue(repo, out var list)) byRepo[repo] = list = [];
            list.Add(f.Path);
        }
        foreach (var (repo, paths) in byRepo)
        {
            var git = new GitRunner(repo, cancellationToken);
            var specs = roots.Where(r => PathResolver.IsUnder(r, repo)).Select(r => ":(literal)" + Path.GetRelativePath(repo, r)).Distinct().ToList();
            string[] pathspec = specs.Count is > 0 and <= MaxPathspecs && specs.Count == roots.Count(r => PathResolver.IsUnder(r, repo)) ? ["--", .. specs] : [];
            var tracked = await Set(git, ["ls-files", "-z", "--cached", .. pathspec]).ConfigureAwait(false);
            var changed = await git.TryAsync(["diff", "--name-only", "--no-renames", "-z", "HEAD", .. pathspec]).ConfigureAwait(false) is { } d
                ? Split(d) : tracked; // No commit yet: nothing tracked is committed.
            var untracked = await Set(git, ["ls-files", "-z", "--others", "--exclude-standard", .. pathspec]).ConfigureAwait(false);
            foreach (var p in paths)
            {
                var rel = Path.GetRelativePath(repo, p);
                result[p] = changed.Contains(rel) ? FileStanding.Modified
                    : tracked.Contains(rel) ? FileStanding.Tracked
                    : untracked.Contains(rel) ? FileStanding.Untracked
                    : FileStanding.Ignored;
            }
        }
        return result;
    }

    private async Task<HashSet<string>> Set(GitRunner git, string[] args)
    {
        var text = await git.RunAsync(args).ConfigureAwait(false);
        if (text.Length >= ReadOnlyProcess.DefaultMaxOutput) Incomplete = true;
        return Split(text);
    }

    private static HashSet<string> Split(string z) => new(z.Split('\0', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>The work tree root above <paramref name="dir"/> (a directory holding <c>.git</c>), cached per directory.</summary>
    private static string? RepoOf(string dir, Dictionary<string, string?> cache)
    {
        var walked = new List<string>();
        string? found = null;
        for (var d = dir; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            if (cache.TryGetValue(d, out found)) break;
            walked.Add(d);
            if (Directory.Exists(Path.Combine(d, ".git")) || File.Exists(Path.Combine(d, ".git"))) { found = d; break; }
        }
        foreach (var w in walked) cache[w] = found;
        return found;
    }
}
