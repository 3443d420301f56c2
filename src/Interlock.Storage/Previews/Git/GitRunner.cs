namespace Interlock.Storage.Previews.Git;

/// <summary>A git command a preview ran that failed: its arguments and what git said.</summary>
public sealed class GitLookFailed(string message) : Exception(message);

/// <summary>
/// Runs read-only git commands in one directory through <see cref="ReadOnlyProcess"/>. Optional locks are off so a look
/// (<c>git status</c>, <c>git diff</c>) never refreshes and rewrites the index, and git never prompts.
/// </summary>
public sealed class GitRunner(string directory, CancellationToken cancellationToken)
{
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["GIT_OPTIONAL_LOCKS"] = "0", ["GIT_TERMINAL_PROMPT"] = "0", ["LC_ALL"] = "C", ["GIT_PAGER"] = "cat",
        ["GIT_EDITOR"] = "true", ["GIT_ASKPASS"] = "true", ["GIT_SSH_COMMAND"] = "false",
    };

    // Settings through which a repository's own config makes git run a program during a look (status and diff run
    // clean filters and textconv; remotes run ssh and credential helpers). The agent can write .git/config, and the
    // preview runs as the gateway's user: a repository that sets any of these is not looked at.
    private static readonly System.Text.RegularExpressions.Regex CommandSettings = new(
        @"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|merge\..+\.driver|core\.(fsmonitor|sshcommand|gitproxy|askpass|pager|editor|hookspath|alternaterefscommand)|credential\..*helper|includeif\..+|include\.path|pager\..+|alias\..+|gpg\..*program|uploadpack\.packobjectshook|protocol\..+\.allow|remote\..+\.(uploadpack|receivepack|vcs)|url\..+)$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private Task<string?>? _unsafeSetting;

    public string Directory { get; } = directory;

    /// <summary>What <c>git args</c> printed, or null when it exited non-zero.</summary>
    public async Task<string?> TryAsync(params string[] args)
    {
        await RequireSafeConfigAsync().ConfigureAwait(false);
        var result = await ReadOnlyProcess.RunAsync("git", ["--no-pager", .. Hardening, .. args], Directory, cancellationToken, Environment).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Stdout : null;
    }

    /// <summary>What <c>git args</c> printed; throws <see cref="GitLookFailed"/> when it fails.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        await RequireSafeConfigAsync().ConfigureAwait(false);
        var result = await ReadOnlyProcess.RunAsync("git", ["--no-pager", .. Hardening, .. args], Directory, cancellationToken, Environment).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new GitLookFailed($"git {string.Join(' ', args)} failed: {result.Stderr.Trim()}");
        return result.Stdout;
    }

    private static readonly string[] Hardening = ["-c", "core.fsmonitor=false", "-c", "core.quotePath=false", "-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never"];

    /// <summary>Throws when the repository's own (local or worktree) config makes git run programs; checked once per runner.</summary>
    private async Task RequireSafeConfigAsync()
    {
        // Listing names and scopes runs nothing: no filter, diff driver or helper is invoked by `git config`.
        _unsafeSetting ??= FindUnsafeSettingAsync();
        if (await _unsafeSetting.ConfigureAwait(false) is { } setting)
            throw new GitLookFailed($"the repository's own git config runs a program ({setting}), so nothing was run in it to preview");
    }

    private async Task<string?> FindUnsafeSettingAsync()
    {
        var listed = await ReadOnlyProcess.RunAsync("git", ["--no-pager", "config", "--list", "--show-scope", "--name-only"], Directory, cancellationToken, Environment).ConfigureAwait(false);
        if (listed.ExitCode != 0) return null; // not a repository: the command that follows says so
        foreach (var line in listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            var scope = line[..tab];
            var name = line[(tab + 1)..];
            if (scope is "local" or "worktree" && CommandSettings.IsMatch(name)) return name;
        }
        return null;
    }

    public async Task<IReadOnlyList<string>> LinesAsync(params string[] args) =>
        (await RunAsync(args).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The full hash <paramref name="rev"/> names as a commit, or null when it names none.</summary>
    public async Task<string?> CommitAsync(string rev) => rev.StartsWith('-') ? null :
        (await TryAsync("rev-parse", "--verify", "--quiet", rev + "^{commit}").ConfigureAwait(false))?.Trim() is { Length: > 0 } h ? h : null;

    /// <summary>How many commits are reachable from <paramref name="include"/> and from none of <paramref name="exclude"/>.</summary>
    public async Task<long> CountAsync(IEnumerable<string> include, IEnumerable<string> exclude) =>
        long.Parse((await RunAsync(["rev-list", "--count", .. include, "--not", .. exclude, "--"]).ConfigureAwait(false)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The newest <paramref name="max"/> of those commits: short hash, author, date, subject.</summary>
    public async Task<IReadOnlyList<LostCommit>> CommitsAsync(IEnumerable<string> include, IEnumerable<string> exclude, int max)
    {
        if (max <= 0) return [];
        var lines = await LinesAsync(["log", "-n", max.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format=%h%x1f%an%x1f%ad%x1f%s", "--date=short", .. include, "--not", .. exclude, "--"]).ConfigureAwait(false);
        return [.. lines.Select(l => l.Split('\x1f')).Where(p => p.Length == 4).Select(p => new LostCommit(p[0], p[1], p[2], p[3]))];
    }

    /// <summary><c>git diff --numstat</c> with <paramref name="args"/>: each changed file with lines added and removed (binary files count as 0).</summary>
    public async Task<IReadOnlyList<FileChange>> NumstatAsync(params string[] args)
    {
        var lines = await LinesAsync(["diff", "--numstat", "--no-renames", .. args]).ConfigureAwait(false);
        var result = new List<FileChange>();
        foreach (var line in lines)
        {
            var parts = line.Split('\t', 3);
            if (parts.Length < 3) continue;
            bool binary = parts[0] == "-";
            result.Add(new FileChange(parts[2], binary ? 0 : int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                binary ? 0 : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), binary));
        }
        return result;
    }
}

/// <summary>A commit a git action would lose.</summary>
public sealed record LostCommit(string ShortHash, string Author, string Date, string Subject)
{
    public string Text => $"{ShortHash} {Author}: {Subject}";
}

/// <summary>A file with uncommitted line changes a git action would throw away.</summary>
public sealed record FileChange(string Path, int Added, int Removed, bool Binary)
{
    public string Lines => Binary ? "binary" : $"+{Added} -{Removed}";
}
