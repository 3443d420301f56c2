using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Previews;

/// <summary>
/// Runs every previewer on one action, all at once, each under the time budget on the injected clock. A previewer
/// that throws or runs out of time yields an incomplete preview saying so, never an exception: the action is then
/// scored as the worse case.
/// </summary>
public sealed class PreviewRunner(IReadOnlyList<IPreviewer> previewers, TimeProvider time, PreviewBudget? budget = null)
{
    private readonly PreviewBudget _budget = budget ?? PreviewBudget.Default;
    private readonly TimeProvider _time = time;

    public IReadOnlyList<IPreviewer> Previewers => previewers;

    /// <summary>The previews of <paramref name="evaluation"/>'s action, in previewer order; empty when none applies.</summary>
    public async Task<IReadOnlyList<Preview>> RunAsync(Evaluation evaluation, ResourceMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var context = new PreviewContext(evaluation, map ?? ResourceMap.Empty, _budget);
        var tasks = new Task<Preview?>[previewers.Count];
        for (int i = 0; i < tasks.Length; i++) tasks[i] = RunOneAsync(previewers[i], context, cancellationToken);
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return [.. results.OfType<Preview>()];
    }

    private async Task<Preview?> RunOneAsync(IPreviewer previewer, PreviewContext context, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_budget.Time, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // The previewer runs off this thread so a synchronous one cannot hold the others (or the time budget) up.
            var work = Task.Run(() => previewer.PreviewAsync(context, linked.Token), linked.Token);
            var finished = await Task.WhenAny(work, Task.Delay(Timeout.InfiniteTimeSpan, linked.Token)).ConfigureAwait(false);
            if (finished != work)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _ = work.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                return Preview.Unfinished(previewer.Name, $"time budget of {_budget.Time.TotalSeconds:0.###} s ran out");
            }
            return await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Preview.Unfinished(previewer.Name, $"time budget of {_budget.Time.TotalSeconds:0.###} s ran out");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return Preview.Unfinished(previewer.Name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
