using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Shell;

namespace Interlock.Storage.Previews.Terraform;

/// <summary>Where the Terraform preview may look: the program to run for <c>terraform show -json</c>, and the clock for snapshot ages.</summary>
public sealed record TerraformPreviewOptions
{
    /// <summary>The terraform (or tofu) binary; null to only read plan JSON files and local state, never run anything.</summary>
    public string? Program { get; init; }
}

/// <summary>
/// Previews <c>terraform|tofu apply|destroy</c>: reads the saved plan (plan JSON given in the action's arguments as
/// <c>terraform_plan</c>, a <c>PLAN.json</c> beside the plan file, or <c>terraform show -json PLAN</c>), or for
/// <c>destroy</c> the local state, and lists creates, updates, deletes and replaces by address. A delete or replace of
/// a resource with <c>prevent_destroy</c>, a deletion-protection attribute set, or protected in the resource map is a
/// protected loss (a deny). A recent snapshot in the plan's prior state makes a delete recoverable.
/// </summary>
public sealed partial class TerraformPreviewer(TimeProvider time, TerraformPreviewOptions? options = null) : IPreviewer
{
    private static readonly string[] ProtectionAttributes =
        ["deletion_protection", "deletion_protection_enabled", "termination_protection", "disable_api_termination", "enable_deletion_protection"];

    private readonly TerraformPreviewOptions _options = options ?? new();

    public string Name => "terraform";

    public async Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var op = context.Facts.Operations.FirstOrDefault(o => o.Program is "terraform" or "tofu" && o.Verb is "apply" or "destroy");
        if (op is null) return null;
        var words = OperationWords.Of(op);
        var cwd = context.Request.Cwd ?? "/";
        var home = context.Request.Home ?? "/";
        var dir = words is null ? cwd : PathResolver.Resolve(OperationWords.Option(words, "-chdir") ?? ".", cwd, home);
        bool destroy = op.Verb == "destroy" || words is not null && words.Any(w => w is "-destroy" or "--destroy");

        TerraformPlan plan;
        string source;
        if (context.Request.Arguments is { ValueKind: JsonValueKind.Object } args && args.TryGetProperty("terraform_plan", out var given))
        {
            plan = TerraformPlan.Parse(given.GetRawText());
            source = "the plan JSON given with the action";
        }
        else if (words is not null && PlanFile(words, op.Verb!) is { } planArg)
        {
            var planPath = PathResolver.Resolve(planArg, dir, home);
            if (File.Exists(planPath + ".json"))
            {
                plan = TerraformPlan.Parse(await File.ReadAllTextAsync(planPath + ".json", cancellationToken).ConfigureAwait(false));
                source = $"{planArg}.json";
            }
            else if (File.Exists(planPath) && _options.Program is { } program)
            {
                var shown = await ReadOnlyProcess.RunAsync(program, ["show", "-json", "-no-color", planPath], dir, cancellationToken,
                    new Dictionary<string, string?> { ["TF_IN_AUTOMATION"] = "1", ["TF_INPUT"] = "0" }).ConfigureAwait(false);
                if (shown.ExitCode != 0) return Preview.Unfinished(Name, $"`{program} show -json {planArg}` failed: {FirstLine(shown.Stderr)}");
                if (shown.Truncated) return Preview.Unfinished(Name, "the plan JSON is larger than the output cap");
                plan = TerraformPlan.Parse(shown.Stdout);
                source = $"`{program} show -json {planArg}`";
            }
            else if (File.Exists(planPath))
                return Preview.Unfinished(Name, $"{planArg} is a binary plan and running terraform to read it is off; save `{op.Program} show -json {planArg}` as {planArg}.json beside it");
            else return Preview.Unfinished(Name, $"the plan file {planArg} does not exist");
        }
        else if (destroy && File.Exists(Path.Combine(dir, "terraform.tfstate")))
        {
            plan = TerraformState.DestroyPlan(await File.ReadAllTextAsync(Path.Combine(dir, "terraform.tfstate"), cancellationToken).ConfigureAwait(false));
            source = "the local state (terraform.tfstate): destroy removes everything in it";
        }
        else return Preview.Unfinished(Name, $"no saved plan to read; `{op.Program} plan -out=tfplan` then `{op.Program} apply tfplan` shows the reviewer what changes");

        // The *.tf files are read only when something would be deleted or replaced: nothing else can be a protected loss.
        var preventDestroy = plan.Changes.Any(c => c.IsDelete || c.IsReplace) ? PreventDestroy(dir) : [];
        return Describe(plan, source, preventDestroy, context.Map, context.Budget);
    }

    private Preview Describe(TerraformPlan plan, string source, IReadOnlySet<string> preventDestroy, ResourceMap map, PreviewBudget budget)
    {
        var now = time.GetUtcNow();
        var items = new List<PreviewItem>();
        var losses = new List<string>();
        int deletes = 0, replaces = 0, updates = 0, creates = 0;
        bool unrecoverable = false, anyLoss = false;
        string? firstLoss = null;
        // Losses first: they are what a reviewer must see.
        foreach (var c in plan.Changes.OrderBy(c => c.IsDelete ? 0 : c.IsReplace ? 1 : c.IsUpdate ? 2 : 3))
        {
            if (c.Actions is ["no-op"] or ["read"]) continue;
            string kind = c.IsDelete ? "delete" : c.IsReplace ? "replace" : c.IsUpdate ? "update" : c.IsCreate ? "create" : string.Join('+', c.Actions);
            var details = new List<string>();
            if (c.IsDelete || c.IsReplace)
            {
                anyLoss = true;
                if (c.IsDelete) deletes++; else replaces++;
                var why = Protection(c, preventDestroy, map);
                details.Add(why ?? "no deletion protection");
                if (why is not null) losses.Add($"{kind} of {c.Address} ({why})");
                var recovery = Recovery(c, plan.Snapshots, now);
                details.Add(recovery ?? "no snapshot or backup in the plan's state");
                if (recovery is null) unrecoverable = true;
                firstLoss ??= $"{(c.IsDelete ? "destroys" : "replaces")} {c.Address} ({string.Join(", ", details)})";
            }
            else if (c.IsUpdate) updates++;
            else if (c.IsCreate) creates++;
            if (items.Count < budget.MaxItems) items.Add(new PreviewItem(kind, c.Address, details.Count == 0 ? null : string.Join("; ", details)));
        }
        int total = deletes + replaces + updates + creates;
        var parts = new List<string>();
        if (firstLoss is not null) parts.Add(firstLoss);
        // The first loss is named in full; the rest are counted ("more" when they are of the same kind).
        bool firstIsReplace = replaces > 0 && deletes == 0;
        if (deletes > 1) parts.Add($"destroys {deletes - 1} more");
        if (replaces > 0 && !(firstIsReplace && replaces == 1)) parts.Add(firstIsReplace ? $"replaces {replaces - 1} more" : $"replaces {replaces}");
        if (updates > 0) parts.Add($"updates {updates}");
        if (creates > 0) parts.Add($"creates {creates}");
        var headline = parts.Count == 0 ? "no changes" : string.Join(", ", parts);
        return new Preview
        {
            Previewer = Name, Headline = $"{headline} (from {source})", Count = total, Unit = "resources",
            Reversibility = !anyLoss ? (updates == 0 ? Reversibility.Reversible : null) : unrecoverable ? Reversibility.Irreversible : Reversibility.Recoverable,
            Items = items, ItemsOmitted = Math.Max(0, plan.Changes.Count(c => c.Actions is not (["no-op"] or ["read"])) - items.Count),
            ProtectedLosses = losses,
        };
    }

    /// <summary>Why a resource is protected from deletion (prevent_destroy, an attribute, the resource map), or null.</summary>
    private static string? Protection(TerraformChange c, IReadOnlySet<string> preventDestroy, ResourceMap map)
    {
        var bare = BareAddress(c.Address);
        if (preventDestroy.Contains(bare)) return "prevent_destroy is on";
        if (c.Before is { } before)
            foreach (var a in ProtectionAttributes)
                if (before.TryGetProperty(a, out var v) && v.ValueKind == JsonValueKind.True) return $"{a} is on";
        foreach (var r in map.Matching(c.Address))
            if (r.Protected) return $"resource '{r.Id}' is protected in the resource map";
        return null;
    }

    /// <summary>How a deleted resource could be recovered: a final snapshot, or the newest snapshot of it in the state.</summary>
    private static string? Recovery(TerraformChange c, IReadOnlyList<TerraformSnapshot> snapshots, DateTimeOffset now)
    {
        if (c.Before is { } before)
        {
            if (before.TryGetProperty("skip_final_snapshot", out var skip) && skip.ValueKind == JsonValueKind.False
                && TerraformPlan.Str(before, "final_snapshot_identifier") is { Length: > 0 } final)
                return $"a final snapshot '{final}' is taken on delete";
            var ids = new[] { "identifier", "id", "cluster_identifier", "replication_group_id", "name" }
                .Select(k => TerraformPlan.Str(before, k)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var newest = snapshots.Where(s => s.Source is not null && ids.Contains(s.Source)).OrderByDescending(s => s.Taken ?? DateTimeOffset.MinValue).FirstOrDefault();
            if (newest is not null)
                return newest.Taken is { } taken ? $"last snapshot {Age(now - taken)} ago ({newest.Address})" : $"last snapshot of unknown age ({newest.Address})";
        }
        return null;
    }

    private static string Age(TimeSpan age) => age.TotalDays >= 1 ? $"{(int)age.TotalDays} days" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} hours" : $"{Math.Max(0, (int)age.TotalMinutes)} minutes";

    // module.x.aws_db_instance.main[0] → aws_db_instance.main (prevent_destroy is read from the root module only).
    private static string BareAddress(string address)
    {
        var bracket = address.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? address : address[..bracket];
    }

    /// <summary>The resources whose block in a <c>*.tf</c> file of <paramref name="dir"/> sets <c>prevent_destroy = true</c>.</summary>
    private static HashSet<string> PreventDestroy(string dir)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(dir)) return found;
        foreach (var file in Directory.EnumerateFiles(dir, "*.tf").Take(500))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in ResourceBlock().Matches(text))
            {
                // The block runs to the next top-level block; prevent_destroy inside it counts.
                int end = text.IndexOf("\nresource ", m.Index + m.Length, StringComparison.Ordinal);
                var body = end < 0 ? text[m.Index..] : text[m.Index..end];
                if (PreventDestroyOn().IsMatch(body)) found.Add($"{m.Groups[1].Value}.{m.Groups[2].Value}");
            }
        }
        return found;
    }

    private static string? PlanFile(IReadOnlyList<string> words, string verb)
    {
        int at = -1;
        for (int i = 0; i < words.Count; i++) if (words[i] == verb) { at = i; break; }
        if (at < 0) return null;
        for (int i = at + 1; i < words.Count; i++)
        {
            if (words[i].StartsWith('-')) continue;
            return words[i];
        }
        return null;
    }


    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "(no output)";

    [GeneratedRegex("""^resource\s+"([^"]+)"\s+"([^"]+)"\s*\{""", RegexOptions.Multiline)]
    private static partial Regex ResourceBlock();

    [GeneratedRegex("""prevent_destroy\s*=\s*true""")]
    private static partial Regex PreventDestroyOn();
}
