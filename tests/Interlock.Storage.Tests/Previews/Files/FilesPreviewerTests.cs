using System.Text.Json;
using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Files;
using Interlock.Storage.Tests.Previews.Git;

namespace Interlock.Storage.Tests.Previews.Files;

public sealed class FilesPreviewerTests
{
    private static readonly FilesPreviewer Previewer = new();

    /// <summary>
    /// A workspace repository: src/ has three committed files (one with uncommitted changes), build/ and *.log are
    /// ignored, notes.txt and drafts/ untracked; a file outside the workspace beside it.
    /// </summary>
    private static GitFixture Workspace()
    {
        var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("src/a.c", new string('a', 1000)), ("src/b.c", new string('b', 200)),
            ("src/lib/c.c", new string('c', 30)), (".gitignore", "*.log\nbuild/\n"));
        GitFixture.Write(fx.A, "src/b.c", new string('B', 250));          // tracked, modified
        GitFixture.Write(fx.A, "build/app.bin", new string('x', 50_000));  // ignored
        GitFixture.Write(fx.A, "build/obj/a.o", new string('o', 4_000));   // ignored
        GitFixture.Write(fx.A, "debug.log", new string('d', 700));         // ignored
        GitFixture.Write(fx.A, "notes.txt", new string('n', 90));          // untracked
        GitFixture.Write(fx.A, "drafts/one.md", new string('1', 10));      // untracked
        GitFixture.Write(fx.Root, "outside/secret.txt", new string('s', 5)); // outside the workspace
        return fx;
    }

    private static async Task<Preview?> Look(string command, string cwd, PreviewBudget? budget = null)
    {
        var before = GitFixture.Snapshot(cwd);
        var p = await Previewer.PreviewAsync(GitFixture.Context(command, cwd, budget), CancellationToken.None);
        Assert.Equal(before, GitFixture.Snapshot(cwd));
        return p;
    }

    private static async Task<Preview?> Tool(string tool, string path, string cwd, string arguments, PreviewBudget? budget = null)
    {
        var before = GitFixture.Snapshot(cwd);
        var request = new ActionRequest { Source = ActionSource.File, Tool = tool, Path = path, Cwd = cwd, Home = "/home/dev", Arguments = JsonDocument.Parse(arguments).RootElement.Clone() };
        var p = await Previewer.PreviewAsync(GitFixture.Context(request, budget), CancellationToken.None);
        Assert.Equal(before, GitFixture.Snapshot(cwd));
        return p;
    }

    [Fact]
    public async Task ADeleteCountsEveryFileAndBytesAndClassesThemByGit()
    {
        using var fx = Workspace();
        var outside = Path.Combine(fx.Root, "outside", "secret.txt");
        var p = await Look($"rm -rf src build *.log notes.txt drafts missing.txt {outside}", fx.A);

        Assert.NotNull(p);
        Assert.Equal("files", p.Previewer);
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(9, p.Count);
        Assert.Equal(1000 + 250 + 30 + 50_000 + 4_000 + 700 + 90 + 10 + 5, p.Bytes);
        Assert.Equal("deletes 9 files (56.1 kB): 2 tracked, 1 tracked with uncommitted changes, 2 untracked, 3 ignored, 1 outside the workspace", p.Headline);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        // What nothing else keeps comes first, largest first; committed files last.
        Assert.Equal(["build/app.bin", "build/obj/a.o", "debug.log", "src/b.c", "notes.txt", "drafts/one.md", outside, "src/a.c", "src/lib/c.c"], p.Items.Select(i => i.Text));
        Assert.Equal("ignored, 50.0 kB", p.Items[0].Detail);
        Assert.Equal("tracked with uncommitted changes, 250 B", p.Items[3].Detail);
        Assert.Equal("tracked, 1.0 kB", p.Items[7].Detail);
    }

    [Fact]
    public async Task DeletingOnlyCommittedFilesIsRecoverableFromGit()
    {
        using var fx = Workspace();
        var p = await Look("rm src/a.c src/lib/c.c", fx.A);
        Assert.NotNull(p);
        Assert.Equal(2, p.Count);
        Assert.Equal(1030, p.Bytes);
        Assert.Equal(Reversibility.Recoverable, p.Reversibility);
        Assert.Equal("deletes 2 files (1.0 kB): 2 tracked", p.Headline);
    }

    [Fact]
    public async Task TheItemBudgetListsTheFirstAndCountsTheRest()
    {
        using var fx = Workspace();
        var p = await Look("rm -rf src build", fx.A, PreviewBudget.Default with { MaxItems = 2 });
        Assert.NotNull(p);
        Assert.Equal(5, p.Count);
        Assert.Equal(["build/app.bin", "build/obj/a.o"], p.Items.Select(i => i.Text));
        Assert.Equal(3, p.ItemsOmitted);
    }

    [Fact]
    public async Task TheEntryBudgetStopsTheWalkAndSaysSo()
    {
        using var fx = Workspace();
        var p = await Look("rm -rf src build", fx.A, PreviewBudget.Default with { MaxEntries = 3 });
        Assert.NotNull(p);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Equal("entry budget of 3 files walked", p.Limit);
        Assert.Contains("stopped at the entry budget of 3", p.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteOfANewFileIsAllAdded()
    {
        using var fx = Workspace();
        var p = await Tool("Write", "src/new.c", fx.A, """{"file_path":"src/new.c","content":"one\ntwo\n"}""");
        Assert.NotNull(p);
        Assert.Equal("creates src/new.c: +2 -0 lines", p.Headline);
        Assert.Equal(Reversibility.Reversible, p.Reversibility);
        Assert.Equal("--- /dev/null\n+++ b/src/new.c\n@@ -0,0 +1,2 @@\n+one\n+two\n", p.Diff);
    }

    [Fact]
    public async Task AnEditOfACommittedFileShowsItsDiffWithContext()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("m.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n"));
        var p = await Tool("Edit", "m.txt", fx.A, """{"file_path":"m.txt","old_string":"5\n","new_string":"five\nFIVE\n"}""");
        Assert.NotNull(p);
        Assert.Equal("edits m.txt (tracked, 18 B): +2 -1 lines", p.Headline);
        Assert.Equal(Reversibility.Recoverable, p.Reversibility);
        Assert.Equal("--- a/m.txt\n+++ b/m.txt\n@@ -2,7 +2,8 @@\n 2\n 3\n 4\n-5\n+five\n+FIVE\n 6\n 7\n 8\n", p.Diff);

        var multi = await Tool("MultiEdit", "m.txt", fx.A, """{"file_path":"m.txt","edits":[{"old_string":"1\n","new_string":"one\n"},{"old_string":"9\n","new_string":""}]}""");
        Assert.Equal("--- a/m.txt\n+++ b/m.txt\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -6,4 +6,3 @@\n 6\n 7\n 8\n-9\n", multi?.Diff);

        var failing = await Tool("Edit", "m.txt", fx.A, """{"file_path":"m.txt","old_string":"missing","new_string":"x"}""");
        Assert.NotNull(failing);
        Assert.Null(failing.Diff);
        Assert.EndsWith("old_string is not in the file", failing.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADiffOverTheBudgetIsCappedAndSaysSo()
    {
        using var fx = Workspace();
        var content = string.Concat(Enumerable.Range(1, 500).Select(i => $"line {i}\n"));
        var p = await Tool("Write", "notes.txt", fx.A, JsonSerializer.Serialize(new { file_path = "notes.txt", content }), PreviewBudget.Default with { MaxDiffBytes = 200 });
        Assert.NotNull(p);
        Assert.Equal("overwrites notes.txt (untracked, 90 B): +500 -1 lines (diff capped at 200 B)", p.Headline);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        var diff = p.Diff ?? "";
        Assert.EndsWith("… diff capped at 200 bytes\n", diff, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(diff[..diff.IndexOf('…', StringComparison.Ordinal)]) <= 200);
    }

    [Fact]
    public async Task ReadsAndGitCommandsAreNotItsToPreview()
    {
        using var fx = Workspace();
        Assert.Null(await Look("cat src/a.c", fx.A));
        Assert.Null(await Look("git clean -fdx", fx.A));
    }
}
