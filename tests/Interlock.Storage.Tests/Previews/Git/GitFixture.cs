using System.Diagnostics;
using System.Security.Cryptography;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Tests.Previews.Git;

/// <summary>
/// Real repositories in a temp dir: a bare remote, and clones that commit with fixed authors and dates so every hash
/// is the same on every run. Git runs with no global or system configuration.
/// </summary>
internal sealed class GitFixture : IDisposable
{
    private readonly TempDir _dir = new();
    private int _minute;

    public GitFixture()
    {
        Remote = Path.Combine(_dir.Path, "remote.git");
        Git(_dir.Path, "init", "-q", "--bare", "-b", "main", Remote);
        A = Clone("a");
    }

    public string Root => _dir.Path;
    public string Remote { get; }
    /// <summary>The first clone, where the previewed commands run.</summary>
    public string A { get; }

    public string Clone(string name)
    {
        var path = Path.Combine(_dir.Path, name);
        Git(_dir.Path, "clone", "-q", Remote, path);
        return path;
    }

    /// <summary>Writes <paramref name="files"/> and commits them as <paramref name="author"/>, one minute after the last commit; returns the short hash.</summary>
    public string Commit(string repo, string author, string subject, params (string Path, string Content)[] files)
    {
        foreach (var (p, content) in files) Write(repo, p, content);
        Git(repo, "add", "-A");
        _minute++;
        var date = $"2026-01-01T10:{_minute:00}:00+00:00";
        Git(repo, new Dictionary<string, string> { ["GIT_AUTHOR_NAME"] = author, ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date }, "commit", "-q", "-m", subject);
        return Git(repo, "rev-parse", "--short", "HEAD").Trim();
    }

    public static void Write(string repo, string path, string content)
    {
        var full = Path.Combine(repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public static string Git(string cwd, params string[] args) => Git(cwd, null, args);

    public static string Git(string cwd, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        info.Environment["GIT_AUTHOR_NAME"] = "Ada Lovelace";
        info.Environment["GIT_AUTHOR_EMAIL"] = "author@example.com";
        info.Environment["GIT_COMMITTER_NAME"] = "CI";
        info.Environment["GIT_COMMITTER_EMAIL"] = "ci@example.com";
        info.Environment["GIT_AUTHOR_DATE"] = "2026-01-01T09:00:00+00:00";
        info.Environment["GIT_COMMITTER_DATE"] = "2026-01-01T09:00:00+00:00";
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }

    /// <summary>Everything a look could change: status (with ignored files), refs, stash, reflogs and the index file's bytes.</summary>
    public static string Snapshot(string repo)
    {
        var gitDir = Path.Combine(Git(repo, "rev-parse", "--show-toplevel").Trim(), ".git");
        var index = Path.Combine(gitDir, "index");
        return string.Join("\n---\n",
            Git(repo, "status", "--porcelain=v2", "--untracked-files=all", "--ignored"),
            Git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
            Git(repo, "stash", "list", "--format=%gd %H"),
            File.Exists(index) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(index))) : "no index",
            File.GetLastWriteTimeUtc(index).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", Directory.EnumerateFiles(gitDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => f[gitDir.Length..] + ":" + new FileInfo(f).Length)));
    }

    /// <summary>The default policy's evaluation of <paramref name="command"/> run in <paramref name="cwd"/>: real facts for a preview.</summary>
    public static Evaluation Evaluate(string command, string cwd) => PreviewTestSupport.Evaluate(command, cwd);

    public static PreviewContext Context(ActionRequest request, PreviewBudget? budget = null) =>
        new(PreviewTestSupport.Evaluator.Evaluate(request), ResourceMap.Empty, budget ?? PreviewBudget.Default);

    public static PreviewContext Context(string command, string cwd, PreviewBudget? budget = null) =>
        PreviewTestSupport.Context(command, cwd, budget: budget);

    public static string RepositoryRoot() => PreviewTestSupport.RepositoryRoot();

    public void Dispose() => _dir.Dispose();
}
