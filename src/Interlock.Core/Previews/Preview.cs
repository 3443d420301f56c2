using Interlock.Risk;

namespace Interlock.Previews;

/// <summary>Whether a previewer looked at everything it meant to, or stopped (budget, timeout, error).</summary>
public enum PreviewStatus { Complete, Incomplete }

/// <summary>One thing a preview found the action would touch: a file, a lost commit, a statement's rows, a resource.</summary>
/// <param name="Kind">What it is, as a short lowercase word: <c>file</c>, <c>commit</c>, <c>statement</c>, <c>delete</c>, <c>replace</c> …</param>
/// <param name="Text">The line a reviewer reads (<c>a1b2c3d Ada Lovelace: fix the parser</c>).</param>
/// <param name="Detail">Anything that qualifies it (<c>tracked</c>, <c>42 rows</c>, <c>prevent_destroy off</c>).</param>
public sealed record PreviewItem(string Kind, string Text, string? Detail = null);

/// <summary>
/// What one previewer found an action would change, looked at without changing anything. Counts are what the preview
/// measured; an incomplete preview says why, and the action is then scored as the worse case.
/// </summary>
public sealed record Preview
{
    /// <summary>Which previewer wrote it: <c>files</c>, <c>git</c>, <c>sql</c>, <c>terraform</c>, <c>kubernetes</c>, <c>cloud</c>.</summary>
    public required string Previewer { get; init; }
    /// <summary>The one line a reviewer reads first: "force push loses 3 commits on origin/main".</summary>
    public required string Headline { get; init; }
    public PreviewStatus Status { get; init; } = PreviewStatus.Complete;
    /// <summary>Why the preview is incomplete (the budget or error), when it is.</summary>
    public string? Limit { get; init; }
    /// <summary>How many things the action would touch (files, commits, rows, resources), as counted.</summary>
    public long? Count { get; init; }
    /// <summary>What <see cref="Count"/> counts, plural: <c>files</c>, <c>commits</c>, <c>rows</c>, <c>resources</c>.</summary>
    public string? Unit { get; init; }
    /// <summary>Bytes the action would touch, when measured.</summary>
    public long? Bytes { get; init; }
    /// <summary>What the preview learned about undoing it (a dropped table with no backup is irreversible), when it learned something.</summary>
    public Reversibility? Reversibility { get; init; }
    /// <summary>The things found, at most the budget's item count; <see cref="ItemsOmitted"/> says how many more there were.</summary>
    public IReadOnlyList<PreviewItem> Items { get; init; } = [];
    public long ItemsOmitted { get; init; }
    /// <summary>A unified diff of a write or edit against the current file, capped at the budget's diff size.</summary>
    public string? Diff { get; init; }
    /// <summary>
    /// Resources the preview's own evidence marks as protected (<c>prevent_destroy</c>, deletion protection) that the action
    /// would delete or replace: each one makes the decision a deny.
    /// </summary>
    public IReadOnlyList<string> ProtectedLosses { get; init; } = [];

    /// <summary>An incomplete preview from <paramref name="previewer"/> that could not finish for <paramref name="why"/>.</summary>
    public static Preview Unfinished(string previewer, string why) => new()
    {
        Previewer = previewer, Status = PreviewStatus.Incomplete, Limit = why,
        Headline = $"the {previewer} preview could not finish ({why}); scored as the worse case",
    };
}

/// <summary>How much one previewer may do: time, items listed, diff size, and entries walked (files, rows scanned).</summary>
public sealed record PreviewBudget
{
    public static PreviewBudget Default { get; } = new();

    public TimeSpan Time { get; init; } = TimeSpan.FromSeconds(3);
    public int MaxItems { get; init; } = 50;
    public int MaxDiffBytes { get; init; } = 64 * 1024;
    public long MaxEntries { get; init; } = 200_000;
}
