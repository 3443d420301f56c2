using System.Globalization;
using Interlock.Actions;
using Interlock.Previews;

namespace Interlock.Server.Web;

/// <summary>
/// What a step would change, on the approval page: its blast radius as three dimensions and a level, and each preview
/// (headline, compact list of items, capped diff). Preview text came from the world the action touches (commit subjects,
/// file contents), so all of it goes through <see cref="ShownText"/> like the agent's own words.
/// </summary>
public static class PreviewView
{
    /// <summary>How many coupled resources are named before "and N more".</summary>
    private const int CouplingShown = 4;

    /// <summary>Environment, level, scope (with the counted number), reversibility and coupling, as a row of tiles.</summary>
    public static HtmlString Blast(StepFacts f, ShownText shown)
    {
        if (f.BlastLevel is null) return HtmlString.Empty;
        var count = f.ScopeCount is { } n ? Html.H($"<strong>{n.ToString("N0", CultureInfo.InvariantCulture)} {f.ScopeUnit ?? "items"}</strong> · ") : HtmlString.Empty;
        var coupling = f.Coupling.Count == 0
            ? Html.H($"<span class=\"muted\">none mapped</span>")
            : Html.H($"<strong>{f.Coupling.Count} downstream</strong> <span class=\"mono\">{shown.Join(", ", f.Coupling.Take(CouplingShown))}{(f.Coupling.Count > CouplingShown ? $", +{f.Coupling.Count - CouplingShown}" : "")}</span>");
        var resources = f.Resources.Count == 0 ? HtmlString.Empty : Html.H($" <span class=\"mono\">{shown.Join(", ", f.Resources)}</span>");
        return Html.H($"""
            <dl class="blast" aria-label="Blast radius">
            <div><dt>Environment</dt><dd>{(f.Environment is { } env ? UiLayout.Badge(env) : Html.H($"<span class=\"muted\">not detected</span>"))}</dd></div>
            <div><dt>Blast radius</dt><dd>{UiLayout.Badge(f.BlastLevel)}</dd></div>
            <div><dt>Scope</dt><dd>{count}{shown.Text(f.BlastScope)}{resources}</dd></div>
            <div><dt>Reversibility</dt><dd>{UiLayout.Badge(f.Reversibility)}</dd></div>
            <div><dt>Coupling</dt><dd>{coupling}</dd></div>
            </dl>
            """);
    }

    /// <summary>Every preview of a step, an incomplete one flagged first and loudly; the free-text preview of older records as it was.</summary>
    public static HtmlString Previews(StepFacts f, ShownText shown)
    {
        ArgumentNullException.ThrowIfNull(f);
        var parts = f.Previews.Select(One).ToList();
        if (f.LegacyPreview is { } legacy)
            parts.Add(Html.H($"<section class=\"preview\" aria-label=\"Preview\"><pre class=\"capped\">{shown.Text(legacy, LineBreaks.Keep)}</pre></section>"));
        return parts.Count == 0 ? Html.H($"<p class=\"muted nopreview\">No preview: nothing looked at what this would change.</p>") : Html.Join(parts);
    }

    // Each preview has its own ShownText: its text comes from the world (a tab in a diff), not the agent, and is marked on its own.
    private static HtmlString One(Preview p)
    {
        var shown = new ShownText();
        var incomplete = p.Status == PreviewStatus.Incomplete;
        var warning = incomplete
            ? Html.H($"<p class=\"incomplete-note\" role=\"alert\"><strong>Incomplete preview</strong>{(p.Limit is { } why ? Html.H($": {shown.Text(why)}") : HtmlString.Empty)}. It may not show everything this would change; the action is scored as the worse case.</p>")
            : HtmlString.Empty;
        var facts = new List<HtmlString> { UiLayout.Badge("preview", p.Previewer) };
        if (p.Count is { } n) facts.Add(Html.H($"<span class=\"muted\">{n.ToString("N0", CultureInfo.InvariantCulture)} {p.Unit ?? "items"}</span>"));
        if (p.Bytes is { } b) facts.Add(Html.H($"<span class=\"muted\">{Bytes(b)}</span>"));
        if (p.Reversibility is { } r) facts.Add(UiLayout.Badge(Interlock.Risk.BlastScorer.Wire(r)));
        var losses = p.ProtectedLosses.Count == 0 ? HtmlString.Empty
            : Html.H($"<ul class=\"losses\" aria-label=\"Protected resources lost\">{p.ProtectedLosses.Select(l => Html.H($"<li><strong>protected:</strong> {shown.Text(l)}</li>")).ToList()}</ul>");
        // One kind throughout (all commits, all files) is said by the headline: the label is kept only for mixed lists.
        var sameKind = p.Items.Select(i => i.Kind).Distinct(StringComparer.Ordinal).Count() == 1;
        var items = p.Items.Count == 0 ? HtmlString.Empty
            : Html.H($"<ul class=\"items\">{p.Items.Select(i => Item(i, shown, sameKind)).ToList()}{(p.ItemsOmitted > 0 ? Html.H($"<li class=\"muted\">… and {p.ItemsOmitted.ToString("N0", CultureInfo.InvariantCulture)} more not listed</li>") : HtmlString.Empty)}</ul>");
        if (p.Items.Count == 0 && p.ItemsOmitted > 0) items = Html.H($"<p class=\"muted\">{p.ItemsOmitted.ToString("N0", CultureInfo.InvariantCulture)} items not listed</p>");
        var diff = p.Diff is null ? HtmlString.Empty : Html.H($"<pre class=\"diff capped\" tabindex=\"0\" aria-label=\"Diff\">{Diff(p.Diff, shown)}</pre>");
        var headline = shown.Text(p.Headline);
        return Html.H($"""
            <section class="preview{(incomplete ? " incomplete" : "")}" aria-label="Preview by {p.Previewer}">
            {warning}
            <p class="headline"><strong>{headline}</strong> <span class="pfacts">{new HtmlString(string.Join(" ", facts.Select(x => x.Value)))}</span>{UiLayout.HiddenBadge(shown)}</p>
            {losses}{items}{diff}
            </section>
            """);
    }

    private static HtmlString Item(PreviewItem i, ShownText shown, bool sameKind) =>
        Html.H($"<li>{(sameKind ? HtmlString.Empty : Html.H($"<span class=\"kind\">{shown.Text(i.Kind)}</span> "))}<span class=\"mono\">{shown.Text(i.Text)}</span>{(i.Detail is { } d ? Html.H($" <span class=\"muted\">{shown.Text(d)}</span>") : HtmlString.Empty)}</li>");

    /// <summary>A unified diff with added and removed lines marked (by class: the CSP allows no inline style).</summary>
    private static HtmlString Diff(string diff, ShownText shown) =>
        Html.Join(diff.Split('\n').Select((line, k) =>
        {
            var cls = line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) ? "h"
                : line.StartsWith('+') ? "add" : line.StartsWith('-') ? "del" : line.StartsWith("@@", StringComparison.Ordinal) ? "h" : null;
            var text = shown.Text(line);
            var nl = k == 0 ? HtmlString.Empty : new HtmlString("\n");
            return cls is null ? Html.H($"{nl}{text}") : Html.H($"{nl}<span class=\"{cls}\">{text}</span>");
        }));

    private static string Bytes(long b) => b switch
    {
        < 1024 => b.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (b / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => (b / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
    };
}
