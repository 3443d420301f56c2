using System.Text.Json;
using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Previews;

/// <summary>Writes and reads previews inside the decision document (<c>"previews": [...]</c>), snake_case, absent values left out.</summary>
public static class PreviewJson
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Preview> previews)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartArray("previews");
        foreach (var p in previews)
        {
            w.WriteStartObject();
            w.WriteString("previewer", p.Previewer);
            w.WriteString("headline", p.Headline);
            w.WriteString("status", p.Status == PreviewStatus.Complete ? "complete" : "incomplete");
            if (p.Limit is not null) w.WriteString("limit", p.Limit);
            if (p.Count is { } c) w.WriteNumber("count", c);
            if (p.Unit is not null) w.WriteString("unit", p.Unit);
            if (p.Bytes is { } b) w.WriteNumber("bytes", b);
            if (p.Reversibility is { } r) w.WriteString("reversibility", BlastScorer.Wire(r));
            w.WriteStartArray("items");
            foreach (var i in p.Items)
            {
                w.WriteStartObject();
                w.WriteString("kind", i.Kind);
                w.WriteString("text", i.Text);
                if (i.Detail is not null) w.WriteString("detail", i.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (p.ItemsOmitted > 0) w.WriteNumber("items_omitted", p.ItemsOmitted);
            if (p.Diff is not null) w.WriteString("diff", p.Diff);
            if (p.ProtectedLosses.Count > 0)
            {
                w.WriteStartArray("protected_losses");
                foreach (var l in p.ProtectedLosses) w.WriteStringValue(l);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The previews under <c>previews</c> in <paramref name="root"/>; entries that are not previews are skipped.</summary>
    public static IReadOnlyList<Preview> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("previews", out var list) || list.ValueKind != JsonValueKind.Array) return [];
        var result = new List<Preview>();
        foreach (var e in list.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || Str(e, "previewer") is not { } previewer || Str(e, "headline") is not { } headline) continue;
            var items = new List<PreviewItem>();
            if (e.TryGetProperty("items", out var its) && its.ValueKind == JsonValueKind.Array)
                foreach (var i in its.EnumerateArray())
                    if (i.ValueKind == JsonValueKind.Object && Str(i, "kind") is { } kind && Str(i, "text") is { } text)
                        items.Add(new PreviewItem(kind, text, Str(i, "detail")));
            result.Add(new Preview
            {
                Previewer = previewer, Headline = headline,
                Status = Str(e, "status") == "complete" ? PreviewStatus.Complete : PreviewStatus.Incomplete,
                Limit = Str(e, "limit"), Count = Long(e, "count"), Unit = Str(e, "unit"), Bytes = Long(e, "bytes"),
                Reversibility = Str(e, "reversibility") is { } wire ? BlastScorer.ParseReversibility(wire) : null,
                Items = items, ItemsOmitted = Long(e, "items_omitted") ?? 0, Diff = Str(e, "diff"),
                ProtectedLosses = e.TryGetProperty("protected_losses", out var pl) && pl.ValueKind == JsonValueKind.Array
                    ? [.. pl.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)] : [],
            });
        }
        return result;
    }

    private static string? Str(JsonElement o, string name) => JsonProperties.String(o, name);

    private static long? Long(JsonElement o, string name) => JsonProperties.Int64(o, name);
}
