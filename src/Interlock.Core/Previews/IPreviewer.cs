using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Previews;

/// <summary>What a previewer is given: the evaluated action, the resource map, and its budget.</summary>
public sealed record PreviewContext(Evaluation Evaluation, ResourceMap Map, PreviewBudget Budget)
{
    public ActionRequest Request => Evaluation.Facts.Request;
    public ActionFacts Facts => Evaluation.Facts;
}

/// <summary>
/// The dry-run port of Score: one kind of look at the world (files, git, SQL, terraform, kubernetes, cloud) that says
/// what an action would change and never changes anything. Implementations live outside Core.
/// </summary>
public interface IPreviewer
{
    /// <summary>The previewer's name as it appears in <see cref="Preview.Previewer"/>: <c>files</c>, <c>git</c>, <c>sql</c> …</summary>
    string Name { get; }

    /// <summary>
    /// What the action would change, or null when this previewer has nothing to say about it. Honour the budget: stop
    /// at its item and entry counts and return an incomplete preview saying which limit stopped you; the token is
    /// cancelled when the time budget runs out.
    /// </summary>
    Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken);
}
