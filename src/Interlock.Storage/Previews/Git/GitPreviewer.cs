using System.Globalization;
using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Previews.Git;

/// <summary>What the git previewer may do beyond looking at the local repository.</summary>
public sealed record GitPreviewerOptions
{
    /// <summary>Ask the remote for its branch heads (<c>git ls-remote</c>) before a force push: network I/O, so off by default.</summary>
    public bool AllowLsRemote { get; init; }
}

/// <summary>
/// Shows the work a git command would lose: commits a force push or branch deletion drops, uncommitted changes a hard
/// reset or checkout throws away, files clean removes, stash entries dropped. Runs only read-only git plumbing.
/// </summary>
public sealed class GitPreviewer(GitPreviewerOptions? options = null) : IPreviewer
{
    public const string PreviewerName = "git";

    /// <summary>Said of every loss: the reflog keeps commits for a while, never uncommitted or untracked files.</summary>
    public const string ReflogNote = "the reflog keeps lost commits only until it expires (90 days by default, 30 if unreachable) and never keeps uncommitted or untracked files";

    public string Name => PreviewerName;

    internal GitPreviewerOptions Options { get; } = options ?? new GitPreviewerOptions();

    public async Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cwd = string.IsNullOrEmpty(context.Request.Cwd) ? "/" : context.Request.Cwd;
        var previews = new List<Preview>();
        foreach (var op in context.Facts.Operations)
        {
            if (op.Program != "git" || op.Class == OperationClass.Read) continue;
            if (GitInvocation.Parse(op.Text, cwd) is not { } git || !Directory.Exists(git.Directory)) continue;
            var runner = new GitRunner(git.Directory, cancellationToken);
            if (await runner.TryAsync("rev-parse", "--git-dir").ConfigureAwait(false) is null) continue;
            var preview = git.Subcommand switch
            {
                "push" => await GitPushPreview.RunAsync(runner, git.Args, context.Budget, Options).ConfigureAwait(false),
                "reset" => await GitWorkTreePreview.ResetAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                "checkout" => await GitWorkTreePreview.CheckoutAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                "restore" => await GitWorkTreePreview.RestoreAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                "clean" => await GitCleanPreview.RunAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                "branch" => await GitRefPreview.BranchAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                "stash" => await GitRefPreview.StashAsync(runner, git.Args, context.Budget).ConfigureAwait(false),
                _ => null,
            };
            if (preview is not null) previews.Add(preview);
        }
        return previews.Count switch { 0 => null, 1 => previews[0], _ => Merge(previews) };
    }

    /// <summary>Several git commands in one action: one preview that adds their losses up.</summary>
    private static Preview Merge(List<Preview> previews) => new()
    {
        Previewer = PreviewerName,
        Headline = string.Join("; ", previews.Select(p => p.Headline)),
        Status = previews.Any(p => p.Status == PreviewStatus.Incomplete) ? PreviewStatus.Incomplete : PreviewStatus.Complete,
        Limit = previews.Select(p => p.Limit).FirstOrDefault(l => l is not null),
        Count = previews.Sum(p => p.Count ?? 0),
        Unit = previews.Select(p => p.Unit).Distinct().Count() == 1 ? previews[0].Unit : "changes",
        Bytes = previews.Any(p => p.Bytes is not null) ? previews.Sum(p => p.Bytes ?? 0) : null,
        Reversibility = previews.Max(p => p.Reversibility),
        Items = [.. previews.SelectMany(p => p.Items)],
        ItemsOmitted = previews.Sum(p => p.ItemsOmitted),
    };

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Plural(long n, string one, string many) => $"{N(n)} {(n == 1 ? one : many)}";

    /// <summary>A preview listing at most the budget's items of <paramref name="items"/>, the rest counted as omitted.</summary>
    internal static Preview Build(string headline, long count, string unit, IReadOnlyList<PreviewItem> items, long totalItems, PreviewBudget budget, long? bytes = null) => new()
    {
        Previewer = PreviewerName, Headline = headline, Count = count, Unit = unit, Bytes = bytes,
        Reversibility = count > 0 ? Reversibility.Irreversible : Reversibility.Reversible,
        Items = [.. items.Take(budget.MaxItems)],
        ItemsOmitted = Math.Max(0, totalItems - Math.Min(items.Count, budget.MaxItems)),
    };
}
