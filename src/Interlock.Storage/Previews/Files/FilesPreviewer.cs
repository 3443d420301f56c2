using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Shell;
using Interlock.Storage.Previews.Git;

namespace Interlock.Storage.Previews.Files;

/// <summary>
/// Shows the files an action would delete, overwrite, move or change: globs and directories expanded, files and bytes
/// counted, each classed as tracked, modified, ignored, untracked or outside the workspace; for a file tool's write or
/// edit, a unified diff of the new text against the file as it is.
/// </summary>
public sealed class FilesPreviewer : IPreviewer
{
    public const string PreviewerName = "files";

    /// <summary>Files larger than this get no diff: reading them whole is not a look.</summary>
    private const long MaxDiffSource = 8 * 1024 * 1024;

    public string Name => PreviewerName;

    public async Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var workspace = string.IsNullOrEmpty(request.Cwd) ? "/" : request.Cwd;
        var ops = context.Facts.Operations
            .Where(o => o.PathTargets && o.Program != "git" && o.Class is OperationClass.Delete or OperationClass.Destroy or OperationClass.Update or OperationClass.Create)
            .ToList();
        if (ops.Count == 0) return null;
        if (request.Command is null && FileEdit.Handles(request.Tool) && ops[0].Targets is [var path])
            return await EditAsync(request, path, workspace, context.Budget, cancellationToken).ConfigureAwait(false);

        var walker = new FileWalker(context.Budget.MaxEntries, cancellationToken);
        var targets = ops.SelectMany(o => o.Targets).Distinct(StringComparer.Ordinal).ToList();
        var walk = walker.Walk(targets);
        var classifier = new GitClassifier(workspace, cancellationToken);
        var standing = await classifier.ClassifyAsync(walk.Files, targets.Where(t => !t.AsSpan().ContainsAny('*', '?', '[')).ToList()).ConfigureAwait(false);
        var verb = ops.Any(o => o.Class is OperationClass.Delete or OperationClass.Destroy) ? "deletes" : "overwrites";
        var preview = Summarize(verb, walk.Files, standing, workspace, context.Budget);
        if (walk.Stopped)
            return preview with
            {
                Status = PreviewStatus.Incomplete, Limit = $"entry budget of {GitPreviewer.N(context.Budget.MaxEntries)} files walked",
                Headline = preview.Headline + $"; stopped at the entry budget of {GitPreviewer.N(context.Budget.MaxEntries)}, so at least this many",
            };
        if (classifier.Incomplete)
            return preview with { Status = PreviewStatus.Incomplete, Limit = "git's file list was longer than the output cap" };
        return preview;
    }

    private static Preview Summarize(string verb, IReadOnlyList<FoundFile> files, IReadOnlyDictionary<string, FileStanding> standing, string workspace, PreviewBudget budget)
    {
        long bytes = files.Sum(f => f.Bytes);
        var counts = files.GroupBy(f => standing[f.Path]).ToDictionary(g => g.Key, g => g.LongCount());
        var parts = Enum.GetValues<FileStanding>().Where(counts.ContainsKey).Select(s => $"{GitPreviewer.N(counts[s])} {Word(s)}");
        var headline = files.Count == 0
            ? $"{verb} no existing files"
            : $"{verb} {GitPreviewer.Plural(files.Count, "file", "files")} ({GitCleanPreview.Size(bytes)}): {string.Join(", ", parts)}";
        // Irreversible losses first (nothing has a copy), then the largest.
        var ordered = files.OrderBy(f => Lost(standing[f.Path]) ? 0 : 1).ThenByDescending(f => f.Bytes).ThenBy(f => f.Path, StringComparer.Ordinal);
        var items = ordered.Take(budget.MaxItems).Select(f => new PreviewItem("file", Display(f.Path, workspace), $"{Word(standing[f.Path])}, {GitCleanPreview.Size(f.Bytes)}")).ToList();
        return new Preview
        {
            Previewer = PreviewerName, Headline = headline, Count = files.Count, Unit = "files", Bytes = bytes,
            Reversibility = files.Count == 0 ? Reversibility.Reversible : counts.Keys.Any(Lost) ? Reversibility.Irreversible : Reversibility.Recoverable,
            Items = items, ItemsOmitted = files.Count - items.Count,
        };
    }

    private async Task<Preview> EditAsync(ActionRequest request, string path, string workspace, PreviewBudget budget, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        bool exists = info.Exists;
        var display = Display(path, workspace);
        var standing = exists
            ? (await new GitClassifier(workspace, cancellationToken).ClassifyAsync([new FoundFile(path, info.Length)], [path]).ConfigureAwait(false))[path]
            : (FileStanding?)null;
        var what = exists ? $"{(request.Tool!.Contains("rite", StringComparison.Ordinal) ? "overwrites" : "edits")} {display} ({Word(standing!.Value)}, {GitCleanPreview.Size(info.Length)})" : $"creates {display}";
        var baseline = new Preview
        {
            Previewer = PreviewerName, Headline = what, Count = 1, Unit = "files", Bytes = exists ? info.Length : 0,
            // A new file is undone by deleting it; a committed one is in git; anything else has no other copy.
            Reversibility = !exists ? Reversibility.Reversible : standing == FileStanding.Tracked ? Reversibility.Recoverable : Reversibility.Irreversible,
        };
        if (exists && info.Length > MaxDiffSource)
            return baseline with { Headline = what + $": no diff, the file is over {GitCleanPreview.Size(MaxDiffSource)}", Items = [new PreviewItem("file", display, Word(standing!.Value))] };
        var current = exists ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "";
        // The HTTP API carries the input as arguments; a hook's adapter keeps it beside the request for previews only.
        var (next, error) = FileEdit.Apply(request.Tool!, request.Arguments ?? request.ToolInput, current);
        if (next is null)
            return baseline with { Headline = $"{what}: {error}", Items = [new PreviewItem("file", display, error)] };
        var diff = UnifiedDiff.Compute(current, next, exists ? "a/" + display : "/dev/null", "b/" + display, budget.MaxDiffBytes);
        var lines = $"+{diff.Added} -{diff.Removed} lines";
        return baseline with
        {
            Headline = $"{what}: {lines}{(diff.Capped ? $" (diff capped at {GitCleanPreview.Size(budget.MaxDiffBytes)})" : "")}",
            Items = [new PreviewItem("file", display, exists ? $"{Word(standing!.Value)}, {lines}" : $"new file, {lines}")],
            Diff = diff.Text,
        };
    }

    private static bool Lost(FileStanding s) => s is not FileStanding.Tracked;

    private static string Word(FileStanding s) => s switch
    {
        FileStanding.Tracked => "tracked",
        FileStanding.Modified => "tracked with uncommitted changes",
        FileStanding.Untracked => "untracked",
        FileStanding.Ignored => "ignored",
        _ => "outside the workspace",
    };

    private static string Display(string path, string workspace) =>
        PathResolver.IsUnder(path, workspace) && path != workspace ? Path.GetRelativePath(workspace, path) : path;
}
