using System.Text.Json;

namespace Interlock.Actions;

/// <summary>Typed reads of one property of a JSON object: the value when it has that type, else null (never a throw).</summary>
public static class JsonProperties
{
    public static string? String(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Int64(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : null;
}
