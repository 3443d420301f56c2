using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Previews.Cloud;

/// <summary>
/// Scope from the command alone for cloud and cluster CLIs (aws, gcloud, az, kubectl, helm): which resources by id or
/// name, in which namespace or region, size changes (old → new when the resource map records the current size), and
/// flags that remove a safety net (<c>--apply-immediately</c>, <c>--skip-final-snapshot</c>, <c>--all</c>). It runs
/// nothing: the words are the evidence, so it can only add to what the reviewer sees.
/// </summary>
public sealed class CloudScopePreviewer : IPreviewer
{
    private static readonly string[] Programs = ["aws", "gcloud", "az", "kubectl", "helm", "oc", "doctl", "linode-cli"];

    // Options naming the resource acted on.
    private static readonly string[] IdOptions =
    [
        "--replication-group-id", "--cache-cluster-id", "--db-instance-identifier", "--db-cluster-identifier", "--instance-ids",
        "--instance-id", "--cluster", "--cluster-name", "--service", "--function-name", "--bucket", "--stack-name", "--table-name",
        "--queue-url", "--topic-arn", "--name", "--resource-group", "--zone", "--region", "--project",
    ];

    // Options that set a size; the new size is their value.
    private static readonly string[] SizeOptions =
    [
        "--cache-node-type", "--db-instance-class", "--instance-type", "--node-type", "--machine-type", "--tier", "--size",
        "--sku", "--replicas", "--desired-count", "--desired-capacity", "--min-size", "--max-size", "--num-cache-nodes",
        "--allocated-storage", "--num-nodes",
    ];

    // Flags that take a safety net away, and what a reviewer should read for each.
    private static readonly (string Flag, string Meaning, bool Irreversible)[] RiskFlags =
    [
        ("--apply-immediately", "applied now, not in the maintenance window", false),
        ("--skip-final-snapshot", "no final snapshot is taken", true),
        ("--delete-automated-backups", "automated backups are deleted with it", true),
        ("--no-deletion-protection", "deletion protection is turned off", false),
        ("--force", "forced (checks skipped)", false),
        ("--all", "every resource of the kind", false),
        ("--all-namespaces", "in every namespace", false),
        ("-A", "in every namespace", false),
        ("--cascade=orphan", "dependents are orphaned", false),
        ("--grace-period=0", "no grace period", false),
        ("--quiet", "without a confirmation prompt", false),
        ("--yes", "without a confirmation prompt", false),
    ];

    public string Name => "cloud";

    public Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = new List<PreviewItem>();
        var headlines = new List<string>();
        Reversibility? reversibility = null;
        foreach (var op in context.Facts.Operations)
        {
            if (op.Class == OperationClass.Read || Array.IndexOf(Programs, op.Program) < 0) continue;
            if (OperationWords.Of(op) is not { } words) continue;
            var what = $"{op.Program} {op.Verb}".Trim();
            var ids = new List<string>();
            foreach (var o in IdOptions)
                if (OperationWords.Option(words, o) is { } v) ids.Add($"{o.TrimStart('-')} {v}");
            foreach (var t in op.Targets.Where(t => !ids.Any(i => i.EndsWith(" " + t, StringComparison.Ordinal)) && !SizeValue(words, t))) ids.Add(t);
            foreach (var id in ids) items.Add(new PreviewItem("target", id, what));
            foreach (var size in SizeOptions)
            {
                if (OperationWords.Option(words, size) is not { } to) continue;
                var current = CurrentSize(context.Map, op.Targets);
                items.Add(new PreviewItem("resize", $"{size.TrimStart('-')}: {current ?? "(current size unknown)"} → {to}", current is null ? "the resource map records no current size" : null));
                headlines.Add($"{what} sets {size.TrimStart('-')} {(current is null ? "" : current + " → ")}{to}");
            }
            foreach (var (flag, meaning, irreversible) in RiskFlags)
            {
                if (!words.Contains(flag)) continue;
                items.Add(new PreviewItem("flag", flag, meaning));
                if (irreversible) reversibility = Reversibility.Irreversible;
                headlines.Add(meaning);
            }
            if (headlines.Count == 0 || !headlines[0].StartsWith(what, StringComparison.Ordinal))
                headlines.Insert(0, $"{what}: {(ids.Count == 0 ? "no resource named" : string.Join(", ", ids.Take(4)) + (ids.Count > 4 ? $" and {ids.Count - 4} more" : ""))}");
        }
        if (items.Count == 0 && headlines.Count == 0) return Task.FromResult<Preview?>(null);
        var shown = items.Take(context.Budget.MaxItems).ToList();
        return Task.FromResult<Preview?>(new Preview
        {
            Previewer = Name, Headline = string.Join("; ", headlines.Distinct(StringComparer.Ordinal)),
            Items = shown, ItemsOmitted = items.Count - shown.Count, Reversibility = reversibility,
        });
    }

    private static bool SizeValue(IReadOnlyList<string> words, string target) =>
        SizeOptions.Any(o => OperationWords.Option(words, o) == target);

    /// <summary>The size the resource map records for a target (<c>size: cache.r6g.xlarge</c> on the resource), if any.</summary>
    private static string? CurrentSize(ResourceMap map, IReadOnlyList<string> targets)
    {
        foreach (var t in targets)
            foreach (var r in map.Matching(t))
                if (r.Size is { } size) return size;
        return null;
    }
}
