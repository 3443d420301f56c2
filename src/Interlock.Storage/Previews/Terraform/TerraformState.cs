using System.Text.Json;

namespace Interlock.Storage.Previews.Terraform;

/// <summary>Reads a local <c>terraform.tfstate</c> (version 4) as the plan a <c>destroy</c> would make: every managed resource deleted.</summary>
public static class TerraformState
{
    public static TerraformPlan DestroyPlan(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array)
            throw new FormatException("terraform.tfstate has no resources list: it is not a version 4 state file");
        var changes = new List<TerraformChange>();
        var snapshots = new List<TerraformSnapshot>();
        foreach (var r in resources.EnumerateArray())
        {
            if (TerraformPlan.Str(r, "mode") != "managed") continue;
            var type = TerraformPlan.Str(r, "type") ?? "";
            var name = TerraformPlan.Str(r, "name") ?? "";
            var module = TerraformPlan.Str(r, "module");
            var address = (module is null ? "" : module + ".") + type + "." + name;
            if (!r.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array) continue;
            foreach (var i in instances.EnumerateArray())
            {
                var key = i.TryGetProperty("index_key", out var k) ? k.ValueKind == JsonValueKind.String ? $"[\"{k.GetString()}\"]" : $"[{k.GetRawText()}]" : "";
                JsonElement? attributes = i.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? a.Clone() : null;
                changes.Add(new TerraformChange(address + key, type, ["delete"], attributes));
            }
        }
        return new TerraformPlan(changes, snapshots);
    }
}
