using Interlock.Previews;

namespace Interlock.Storage.Previews.Git;

/// <summary>
/// A forced push, a mirror push or a remote branch deletion: the commits on the remote branch that nothing pushed still
/// reaches. The remote's branch is read from the remote-tracking ref (as of the last fetch), or from <c>git ls-remote</c>
/// when the options allow network I/O.
/// </summary>
internal static class GitPushPreview
{
    private sealed record Spec(string? Source, string Destination, bool Forced, bool Deleting);

    public static async Task<Preview?> RunAsync(GitRunner git, IReadOnlyList<string> args, PreviewBudget budget, GitPreviewerOptions options)
    {
        bool force = false, mirror = false, delete = false, all = false;
        var positionals = new List<string>();
        string? repo = null;
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { positionals.AddRange(args.Skip(i + 1)); break; }
            if (a is "-o" or "--push-option" or "--receive-pack" or "--exec") { i++; continue; }
            if (a == "--repo" && i + 1 < args.Count) { repo = args[++i]; continue; }
            if (a.StartsWith("--repo=", StringComparison.Ordinal)) { repo = a[7..]; continue; }
            if (a is "--force" || a.StartsWith("--force-with-lease", StringComparison.Ordinal)) force = true;
            else if (a == "--mirror") mirror = true;
            else if (a == "--delete") delete = true;
            else if (a is "--all" or "--branches") all = true;
            else if (a == "--dry-run") return null; // It previews itself.
            else if (a.StartsWith("--", StringComparison.Ordinal)) continue;
            else if (a.StartsWith('-') && a.Length > 1)
            {
                if (a.Contains('n', StringComparison.Ordinal)) return null;
                force |= a.Contains('f', StringComparison.Ordinal);
                delete |= a.Contains('d', StringComparison.Ordinal);
                if (a.EndsWith('o') && i + 1 < args.Count) i++;
            }
            else positionals.Add(a);
        }

        var branch = (await git.TryAsync("symbolic-ref", "--short", "-q", "HEAD").ConfigureAwait(false))?.Trim();
        var upstream = (await git.TryAsync("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}").ConfigureAwait(false))?.Trim();
        var remote = repo ?? (positionals.Count > 0 ? positionals[0] : null)
            ?? (upstream is { } u && u.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash ? u[..slash] : "origin");
        var refspecs = positionals.Skip(repo is null ? 1 : 0).ToList();
        var tracking = (await git.LinesAsync("for-each-ref", "--format=%(refname)", $"refs/remotes/{remote}/").ConfigureAwait(false))
            .Where(r => r != $"refs/remotes/{remote}/HEAD").ToList();

        var specs = new List<Spec>();
        if (mirror)
        {
            // Every remote branch becomes the local one of its name or goes: lost is what no local branch reaches.
            return await Report(git, remote, "mirror push", tracking, ["--branches"], tracking, budget, options, null).ConfigureAwait(false);
        }
        if (all)
            foreach (var b in await git.LinesAsync("for-each-ref", "--format=%(refname:short)", "refs/heads/").ConfigureAwait(false))
                specs.Add(new Spec(b, b, force, false));
        foreach (var r in refspecs)
        {
            if (delete) { specs.Add(new Spec(null, Short(r), true, true)); continue; }
            bool plus = r.StartsWith('+');
            var body = plus ? r[1..] : r;
            var colon = body.IndexOf(':', StringComparison.Ordinal);
            var src = colon < 0 ? body : body[..colon];
            var dst = colon < 0 ? (body == "HEAD" && branch is not null ? branch : body) : body[(colon + 1)..];
            specs.Add(src.Length == 0 ? new Spec(null, Short(dst), true, true) : new Spec(src, Short(dst), force || plus, false));
        }
        if (specs.Count == 0 && !all)
        {
            if (branch is null) return null;
            var dst = upstream is not null && upstream.StartsWith(remote + "/", StringComparison.Ordinal) ? upstream[(remote.Length + 1)..] : branch;
            specs.Add(new Spec("HEAD", dst, force, false));
        }
        specs.RemoveAll(s => !s.Forced);
        if (specs.Count == 0) return null; // A push that is not forced is refused rather than losing anything.

        var include = new List<string>();
        var exclude = new List<string>();
        var missing = new List<string>();
        foreach (var s in specs)
        {
            var refName = $"refs/remotes/{remote}/{s.Destination}";
            if (!tracking.Contains(refName)) { missing.Add($"{remote}/{s.Destination}"); continue; }
            include.Add(refName);
            if (s.Source is not null) exclude.Add(await git.CommitAsync(s.Source).ConfigureAwait(false) ?? throw new GitLookFailed($"'{s.Source}' names no commit"));
        }
        // A deleted branch loses what the remote's other branches, and what is pushed, no longer reach.
        if (specs.Any(s => s.Deleting)) exclude.AddRange(tracking.Except(include));
        if (include.Count == 0)
            return new Preview
            {
                Previewer = GitPreviewer.PreviewerName, Status = PreviewStatus.Incomplete, Limit = "no remote-tracking ref",
                Headline = $"cannot tell what the push would lose: no remote-tracking ref for {string.Join(", ", missing)} (fetch first)",
            };
        var what = specs.All(s => s.Deleting) ? "deleting " + string.Join(", ", specs.Select(s => $"{remote}/{s.Destination}")) : "force push";
        return await Report(git, remote, what, include, exclude, tracking, budget, options, missing).ConfigureAwait(false);
    }

    private static async Task<Preview> Report(GitRunner git, string remote, string what, List<string> include, List<string> exclude,
        IReadOnlyList<string> tracking, PreviewBudget budget, GitPreviewerOptions options, List<string>? missing)
    {
        var source = await Source(git, remote, include, options).ConfigureAwait(false);
        if (source.Replaced is { } replaced) include = replaced;
        var count = await git.CountAsync(include, exclude).ConfigureAwait(false);
        var commits = await git.CommitsAsync(include, exclude, budget.MaxItems).ConfigureAwait(false);
        var where = string.Join(", ", include.Select(r => r.StartsWith("refs/remotes/", StringComparison.Ordinal) ? r["refs/remotes/".Length..] : r[..Math.Min(7, r.Length)]));
        var items = commits.Select(c => new PreviewItem("commit", c.Text, $"{c.Date} on {where}; in the reflog until it expires")).ToList();
        var headline = count == 0
            ? $"{what} loses no commits on {where} ({source.Said})"
            : $"{what} loses {GitPreviewer.Plural(count, "commit", "commits")} on {where} ({source.Said})";
        if (missing is { Count: > 0 }) headline += $"; unknown for {string.Join(", ", missing)} (no remote-tracking ref)";
        var preview = GitPreviewer.Build(headline, count, "commits", items, count, budget);
        return missing is { Count: > 0 } ? preview with { Status = PreviewStatus.Incomplete, Limit = "no remote-tracking ref" } : preview;
    }

    private sealed record SourceNote(string Said, List<string>? Replaced);

    /// <summary>Where the remote's branch heads came from: the remote-tracking refs and when they were fetched, or ls-remote.</summary>
    private static async Task<SourceNote> Source(GitRunner git, string remote, List<string> include, GitPreviewerOptions options)
    {
        if (options.AllowLsRemote)
        {
            var heads = await git.TryAsync("ls-remote", "--heads", remote).ConfigureAwait(false);
            if (heads is not null)
            {
                var byRef = heads.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(p => p.Length == 2)
                    .ToDictionary(p => "refs/remotes/" + remote + "/" + p[1]["refs/heads/".Length..], p => p[0], StringComparer.Ordinal);
                var replaced = new List<string>();
                foreach (var r in include)
                {
                    if (!byRef.TryGetValue(r, out var hash)) continue;
                    if (await git.CommitAsync(hash).ConfigureAwait(false) is null)
                        return new SourceNote($"the remote has {hash[..7]} on {r["refs/remotes/".Length..]}, which this clone has not fetched: more may be lost", null);
                    replaced.Add(hash);
                }
                return new SourceNote($"per git ls-remote {remote}", replaced);
            }
        }
        var fetched = (await git.TryAsync("log", "-g", "-n", "1", "--date=iso", "--format=%gd", include[0]).ConfigureAwait(false))?.Trim();
        var when = fetched is { } f && f.IndexOf('{', StringComparison.Ordinal) is > 0 and var b && f.EndsWith('}') ? $", {f[(b + 1)..^1]}" : "";
        return new SourceNote($"per remote-tracking ref {include[0]["refs/remotes/".Length..]}{(include.Count > 1 ? " and others" : "")} as of its last fetch{when}", null);
    }

    private static string Short(string dst) => dst.StartsWith("refs/heads/", StringComparison.Ordinal) ? dst["refs/heads/".Length..] : dst;
}
