using System.Text.Json;

namespace Interlock.Storage.Previews.Terraform;

/// <summary>One resource change of a plan: its address, type, the plan's actions, and what it was before.</summary>
public sealed record TerraformChange(string Address, string Type, IReadOnlyList<string> Actions, JsonElement? Before)
{
    public bool IsDelete => Actions.Contains("delete") && !Actions.Contains("create");
    public bool IsReplace => Actions.Contains("delete") && Actions.Contains("create");
    public bool IsCreate => Actions is ["create"];
    public bool IsUpdate => Actions is ["update"];
}

/// <summary>A snapshot or backup resource in the plan's prior state, with what it backs up and when it was taken.</summary>
public sealed record TerraformSnapshot(string Address, string? Source, DateTimeOffset? Taken);

/// <summary>
/// What the preview needs from <c>terraform show -json</c> output: resource changes and, from the prior state,
/// snapshots and backups. Reading is lenient about what it does not use and strict about what it does.
/// </summary>
public sealed record TerraformPlan(IReadOnlyList<TerraformChange> Changes, IReadOnlyList<TerraformSnapshot> Snapshots)
{
    // Resource types whose existence is a backup of another resource, and the attribute naming that resource.
    private static readonly Dictionary<string, string> SnapshotTypes = new(StringComparer.Ordinal)
    {
        ["aws_db_snapshot"] = "db_instance_identifier",
        ["aws_db_cluster_snapshot"] = "db_cluster_identifier",
        ["aws_rds_cluster_snapshot"] = "db_cluster_identifier",
        ["aws_ebs_snapshot"] = "volume_id",
        ["aws_elasticache_snapshot"] = "replication_group_id",
        ["google_compute_snapshot"] = "source_disk",
        ["azurerm_snapshot"] = "source_resource_id",
    };

    /// <summary>Parses plan JSON; throws <see cref="FormatException"/> naming what is wrong when it is not a plan.</summary>
    public static TerraformPlan Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the plan is not JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format_version", out _))
                throw new FormatException("the plan JSON has no format_version: it is not `terraform show -json` output");
            var changes = new List<TerraformChange>();
            if (root.TryGetProperty("resource_changes", out var rc) && rc.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in rc.EnumerateArray())
                {
                    if (Str(c, "mode") == "data") continue;
                    var address = Str(c, "address") ?? throw new FormatException("a resource change has no address");
                    if (!c.TryGetProperty("change", out var change) || !change.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
                        throw new FormatException($"the change of {address} has no actions");
                    JsonElement? before = change.TryGetProperty("before", out var b) && b.ValueKind == JsonValueKind.Object ? b.Clone() : null;
                    changes.Add(new TerraformChange(address, Str(c, "type") ?? "", [.. actions.EnumerateArray().Select(a => a.GetString() ?? "")], before));
                }
            }
            var snapshots = new List<TerraformSnapshot>();
            if (root.TryGetProperty("prior_state", out var prior) && prior.TryGetProperty("values", out var values) && values.TryGetProperty("root_module", out var module))
                CollectSnapshots(module, snapshots);
            return new TerraformPlan(changes, snapshots);
        }
    }

    private static void CollectSnapshots(JsonElement module, List<TerraformSnapshot> into)
    {
        if (module.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in resources.EnumerateArray())
            {
                if (Str(r, "type") is not { } type || !SnapshotTypes.TryGetValue(type, out var sourceKey)) continue;
                r.TryGetProperty("values", out var v);
                DateTimeOffset? taken = null;
                foreach (var key in (string[])["snapshot_create_time", "create_time", "creation_timestamp", "time_created", "start_time"])
                    if (v.ValueKind == JsonValueKind.Object && Str(v, key) is { } t && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var when))
                    {
                        taken = when;
                        break;
                    }
                into.Add(new TerraformSnapshot(Str(r, "address") ?? type, v.ValueKind == JsonValueKind.Object ? Str(v, sourceKey) : null, taken));
            }
        }
        if (module.TryGetProperty("child_modules", out var children) && children.ValueKind == JsonValueKind.Array)
            foreach (var child in children.EnumerateArray()) CollectSnapshots(child, into);
    }

    internal static string? Str(JsonElement o, string name) => Interlock.Actions.JsonProperties.String(o, name);
}
