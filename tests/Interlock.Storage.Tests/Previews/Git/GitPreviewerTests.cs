using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Git;

namespace Interlock.Storage.Tests.Previews.Git;

public sealed class GitPreviewerTests
{
    private static readonly GitPreviewer Previewer = new();

    /// <summary>Runs the preview of <paramref name="command"/> in <paramref name="repo"/> and checks the repository is byte-for-byte as it was.</summary>
    private static async Task<Preview?> Look(string command, string repo, PreviewBudget? budget = null, GitPreviewer? previewer = null)
    {
        var before = GitFixture.Snapshot(repo);
        var preview = await (previewer ?? Previewer).PreviewAsync(GitFixture.Context(command, repo, budget), CancellationToken.None);
        Assert.Equal(before, GitFixture.Snapshot(repo));
        return preview;
    }

    /// <summary>
    /// origin/main has base, then Grace's and Linus's commits pushed from another clone and fetched into A; A's main has
    /// base and Ada's rewrite. Forcing A's main over it loses exactly Grace's and Linus's commits.
    /// </summary>
    private static (GitFixture Fx, string Grace, string Linus) Diverged()
    {
        var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("README.md", "hello\n"));
        GitFixture.Git(fx.A, "push", "-q", "origin", "main");
        var b = fx.Clone("b");
        var grace = fx.Commit(b, "Grace Hopper", "add the parser", ("parser.c", "int parse(void);\n"));
        var linus = fx.Commit(b, "Linus Torvalds", "fix the parser", ("parser.c", "int parse(void) { return 0; }\n"));
        GitFixture.Git(b, "push", "-q", "origin", "main");
        GitFixture.Git(fx.A, "fetch", "-q");
        fx.Commit(fx.A, "Ada Lovelace", "rewrite the readme", ("README.md", "hello again\n"));
        return (fx, grace, linus);
    }

    [Theory]
    [InlineData("git push --force origin main")]
    [InlineData("git push -f")]
    [InlineData("git push origin +main")]
    [InlineData("git push --force-with-lease origin main:main")]
    public async Task AForcePushListsTheRemoteCommitsItWouldLose(string command)
    {
        var (fx, grace, linus) = Diverged();
        using var _ = fx;
        var p = await Look(command, fx.A);

        Assert.NotNull(p);
        Assert.Equal("git", p.Previewer);
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(2, p.Count);
        Assert.Equal("commits", p.Unit);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        Assert.Equal([$"{linus} Linus Torvalds: fix the parser", $"{grace} Grace Hopper: add the parser"], p.Items.Select(i => i.Text));
        Assert.All(p.Items, i => Assert.Equal("commit", i.Kind));
        Assert.StartsWith("force push loses 2 commits on origin/main (per remote-tracking ref origin/main as of its last fetch, 20", p.Headline, StringComparison.Ordinal);
        Assert.Contains("reflog", p.Items[0].Detail, StringComparison.Ordinal);
        // Fixed authors and dates: the hashes are the same on every run.
        Assert.Equal(("31ece6e", "02f02d6"), (grace, linus));
    }

    [Fact]
    public async Task DeletingTheRemoteBranchLosesWhatNoOtherRemoteBranchReaches()
    {
        var (fx, grace, linus) = Diverged();
        using var _ = fx;
        var b = Path.Combine(fx.Root, "b");
        GitFixture.Git(b, "checkout", "-q", "-b", "feature");
        var only = fx.Commit(b, "Grace Hopper", "feature work", ("feature.c", "x\n"));
        GitFixture.Git(b, "push", "-q", "origin", "feature");
        GitFixture.Git(fx.A, "fetch", "-q");

        foreach (var command in new[] { "git push origin :feature", "git push --delete origin feature" })
        {
            var p = await Look(command, fx.A);
            Assert.NotNull(p);
            Assert.Equal(1, p.Count);
            Assert.Equal($"{only} Grace Hopper: feature work", Assert.Single(p.Items).Text);
            Assert.StartsWith("deleting origin/feature loses 1 commit on origin/feature", p.Headline, StringComparison.Ordinal);
        }
        // A mirror push makes the remote's branches A's: main's two commits and the feature commit go.
        var mirror = await Look("git push --mirror origin", fx.A);
        Assert.NotNull(mirror);
        Assert.Equal(3, mirror.Count);
        Assert.Equal([$"{only} Grace Hopper: feature work", $"{linus} Linus Torvalds: fix the parser", $"{grace} Grace Hopper: add the parser"], mirror.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task LsRemoteIsUsedOnlyWhenAllowedAndSaysSo()
    {
        var (fx, _, _) = Diverged();
        using var __ = fx;
        var p = await Look("git push --force origin main", fx.A, previewer: new GitPreviewer(new GitPreviewerOptions { AllowLsRemote = true }));
        Assert.NotNull(p);
        Assert.Equal(2, p.Count);
        Assert.Contains("per git ls-remote origin", p.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APushThatIsNotForcedOrIsAFastForwardLosesNothing()
    {
        var (fx, _, _) = Diverged();
        using var _ = fx;
        Assert.Null(await Look("git push origin main", fx.A));
        GitFixture.Git(fx.A, "merge", "-q", "--no-edit", "origin/main");
        var p = await Look("git push --force origin main", fx.A);
        Assert.NotNull(p);
        Assert.Equal(0, p.Count);
        Assert.Empty(p.Items);
        Assert.Equal(Reversibility.Reversible, p.Reversibility);
    }

    [Fact]
    public async Task AHardResetListsUncommittedFilesWithLineCountsAndTheCommitsThatLeaveTheBranch()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("a.txt", "1\n2\n3\n"), ("b.txt", "x\n"), ("c.txt", "c\n"));
        var second = fx.Commit(fx.A, "Grace Hopper", "second", ("a.txt", "1\n2\n3\n4\n"));
        var third = fx.Commit(fx.A, "Linus Torvalds", "third", ("b.txt", "y\n"));
        GitFixture.Write(fx.A, "a.txt", "one\n2\n3\n4\nfive\nsix\n"); // +3 -1, unstaged
        GitFixture.Write(fx.A, "c.txt", "");                            // +0 -1, staged
        GitFixture.Git(fx.A, "add", "c.txt");
        GitFixture.Write(fx.A, "untracked.txt", "kept\n");                // reset --hard leaves untracked files alone

        var p = await Look("git reset --hard HEAD~2", fx.A);
        Assert.NotNull(p);
        Assert.Equal(4, p.Count);
        Assert.Equal("files and commits", p.Unit);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        Assert.Equal("reset --hard to HEAD~2 loses uncommitted changes in 2 files (+3 -2 lines) and 2 commits from main", p.Headline);
        Assert.Equal(["a.txt", "c.txt", $"{third} Linus Torvalds: third", $"{second} Grace Hopper: second"], p.Items.Select(i => i.Text));
        Assert.StartsWith("+3 -1", p.Items[0].Detail, StringComparison.Ordinal);
        Assert.StartsWith("+0 -1", p.Items[1].Detail, StringComparison.Ordinal);

        // The budget lists the first two and counts the rest.
        var small = await Look("git reset --hard HEAD~2", fx.A, PreviewBudget.Default with { MaxItems = 2 });
        Assert.NotNull(small);
        Assert.Equal(["a.txt", "c.txt"], small.Items.Select(i => i.Text));
        Assert.Equal(2, small.ItemsOmitted);
        Assert.Equal(4, small.Count);

        Assert.Null(await Look("git reset --soft HEAD~1", fx.A));
    }

    [Fact]
    public async Task CheckoutAndRestoreListTheModifiedFilesTheyRevert()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("src/a.txt", "a\n"), ("src/b.txt", "b\n"), ("docs/c.txt", "c\n"));
        GitFixture.Write(fx.A, "src/a.txt", "a\na2\na3\n");   // +2
        GitFixture.Write(fx.A, "docs/c.txt", "C\n");          // +1 -1
        GitFixture.Write(fx.A, "new.txt", "untracked\n");     // checkout leaves untracked files alone

        var all = await Look("git checkout -- .", fx.A);
        Assert.NotNull(all);
        Assert.Equal(2, all.Count);
        Assert.Equal("files", all.Unit);
        Assert.Equal(["docs/c.txt", "src/a.txt"], all.Items.Select(i => i.Text));
        Assert.Equal("checkout -- . reverts 2 modified files (+3 -1 lines)", all.Headline);

        var one = await Look("git restore src/a.txt", fx.A);
        Assert.NotNull(one);
        Assert.Equal(1, one.Count);
        Assert.Equal("src/a.txt", Assert.Single(one.Items).Text);
        Assert.StartsWith("+2 -0", one.Items[0].Detail, StringComparison.Ordinal);

        // Relative to the directory git runs in, as git reads pathspecs.
        var sub = await Look("git checkout -- a.txt", Path.Combine(fx.A, "src"));
        Assert.Equal(1, sub?.Count);

        Assert.Null(await Look("git restore --staged src/a.txt", fx.A));
        var none = await Look("git checkout -- src/b.txt", fx.A);
        Assert.Equal(0, none?.Count);
    }

    [Fact]
    public async Task CleanCountsTheFilesAndBytesItsOwnDryRunLists()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("a.txt", "a\n"), (".gitignore", "*.log\nbuild/\n"));
        GitFixture.Write(fx.A, "notes.txt", new string('n', 100));
        GitFixture.Write(fx.A, "scratch/one.txt", new string('s', 10));
        GitFixture.Write(fx.A, "scratch/two.txt", new string('s', 20));
        GitFixture.Write(fx.A, "debug.log", new string('d', 1000));
        GitFixture.Write(fx.A, "build/out.bin", new string('b', 5000));
        GitFixture.Write(fx.A, "build/obj/x.o", new string('o', 300));

        var all = await Look("git clean -fdx", fx.A);
        Assert.NotNull(all);
        Assert.Equal(6, all.Count);
        Assert.Equal(6430, all.Bytes);
        Assert.Equal(Reversibility.Irreversible, all.Reversibility);
        Assert.Equal(["build/", "debug.log", "notes.txt", "scratch/"], all.Items.Select(i => i.Text));
        Assert.Equal("clean removes 6 files (6.4 kB) in 4 entries", all.Headline);

        var untrackedOnly = await Look("git clean -fd", fx.A);
        Assert.NotNull(untrackedOnly);
        Assert.Equal(3, untrackedOnly.Count);
        Assert.Equal(130, untrackedOnly.Bytes);

        var ignoredOnly = await Look("git clean -fX", fx.A);
        Assert.Equal(1, ignoredOnly?.Count); // -X without -d leaves ignored directories.
        Assert.Null(await Look("git clean -n", fx.A));

        var stopped = await Look("git clean -fdx", fx.A, PreviewBudget.Default with { MaxEntries = 2 });
        Assert.NotNull(stopped);
        Assert.Equal(PreviewStatus.Incomplete, stopped.Status);
        Assert.Contains("entry budget of 2", stopped.Limit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingABranchByForceLosesTheCommitsNoOtherBranchOrUpstreamHas()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("a.txt", "a\n"));
        GitFixture.Git(fx.A, "checkout", "-q", "-b", "feat");
        var f1 = fx.Commit(fx.A, "Grace Hopper", "feat one", ("f.txt", "1\n"));
        var f2 = fx.Commit(fx.A, "Grace Hopper", "feat two", ("f.txt", "2\n"));
        GitFixture.Git(fx.A, "checkout", "-q", "-b", "merged", "main");
        GitFixture.Git(fx.A, "checkout", "-q", "main");

        var p = await Look("git branch -D feat", fx.A);
        Assert.NotNull(p);
        Assert.Equal(2, p.Count);
        Assert.Equal([$"{f2} Grace Hopper: feat two", $"{f1} Grace Hopper: feat one"], p.Items.Select(i => i.Text));
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);

        // Pushed to its upstream: nothing is lost with the local branch.
        GitFixture.Git(fx.A, "push", "-q", "-u", "origin", "feat");
        Assert.Equal(0, (await Look("git branch -D feat", fx.A))?.Count);
        Assert.Equal(0, (await Look("git branch --delete --force merged", fx.A))?.Count);
        Assert.Null(await Look("git branch -d feat", fx.A));
    }

    [Fact]
    public async Task DroppingOrClearingTheStashListsTheEntriesLost()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("a.txt", "a\n"), ("b.txt", "b\n"));
        GitFixture.Write(fx.A, "a.txt", "a\nmore\n");
        GitFixture.Git(fx.A, "stash", "push", "-q", "-m", "first idea");
        GitFixture.Write(fx.A, "a.txt", "A\n");
        GitFixture.Write(fx.A, "b.txt", "B\nB2\n");
        GitFixture.Write(fx.A, "c.txt", "untracked\n");
        GitFixture.Git(fx.A, "stash", "push", "-q", "-u", "-m", "second idea");

        var drop = await Look("git stash drop stash@{1}", fx.A);
        Assert.NotNull(drop);
        Assert.Equal(1, drop.Count);
        Assert.Equal("stash entries", drop.Unit);
        var item = Assert.Single(drop.Items);
        Assert.Equal("stash@{1}: On main: first idea", item.Text);
        Assert.StartsWith("1 file (+1 -0 lines)", item.Detail, StringComparison.Ordinal);

        var top = await Look("git stash drop", fx.A);
        Assert.StartsWith("3 files (+3 -2 lines, 1 untracked)", Assert.Single(top!.Items).Detail, StringComparison.Ordinal);

        var clear = await Look("git stash clear", fx.A);
        Assert.NotNull(clear);
        Assert.Equal(2, clear.Count);
        Assert.Equal("stash clear loses 2 stash entries (4 files)", clear.Headline);
        Assert.Equal(["stash@{0}: On main: second idea", "stash@{1}: On main: first idea"], clear.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task ActionsThatAreNotGitOrLoseNothingGetNoPreview()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("a.txt", "a\n"));
        Assert.Null(await Look("ls -la", fx.A));
        Assert.Null(await Look("git status", fx.A));
        Assert.Null(await Previewer.PreviewAsync(GitFixture.Context("git push --force origin main", fx.Root), CancellationToken.None)); // not inside a repository
    }
}
