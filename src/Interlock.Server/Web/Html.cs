using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Interlock.Actions;

namespace Interlock.Server.Web;

/// <summary>Markup that is already safe to emit: built by <see cref="Html.H"/> (every hole encoded) or a literal.</summary>
public readonly record struct HtmlString(string Value)
{
    public static readonly HtmlString Empty = new("");

    public override string ToString() => Value;
}

/// <summary>
/// Builds HTML from an interpolated string: literal parts are copied, every hole is HTML-encoded unless it is already an
/// <see cref="HtmlString"/>. Encoding by construction means a forgotten call can't let an agent's command text inject markup.
/// </summary>
[InterpolatedStringHandler]
public ref struct HtmlBuilder
{
    private readonly StringBuilder _sb;

    public HtmlBuilder(int literalLength, int formattedCount)
    {
        _sb = new StringBuilder(literalLength + formattedCount * 16);
    }

    public readonly void AppendLiteral(string literal) => _sb.Append(literal);

    public readonly void AppendFormatted(HtmlString html) => _sb.Append(html.Value);

    public readonly void AppendFormatted(IEnumerable<HtmlString> parts)
    {
        foreach (var p in parts) _sb.Append(p.Value);
    }

    public readonly void AppendFormatted(string? text) => _sb.Append(Html.Encode(text));

    public readonly void AppendFormatted<T>(T value)
    {
        // A List<HtmlString> binds here rather than to the IEnumerable overload; it is markup, not text.
        if (value is IEnumerable<HtmlString> parts) AppendFormatted(parts);
        else if (value is HtmlString html) _sb.Append(html.Value);
        else _sb.Append(Html.Encode(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString()));
    }

    public readonly HtmlString Build() => new(_sb.ToString());
}

/// <summary>HTML encoding helpers for the reviewer UI.</summary>
public static class Html
{
    // All of Unicode passes through readable (the encoder still escapes markup characters and quotes).
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>
    /// Text for any hole, attributes included: hidden characters become visible escapes first (<see cref="DisplayText"/>),
    /// because the encoder would write U+202E as <c>&amp;#x202E;</c> and the browser would turn it back into the character.
    /// Agent text in page content goes through <see cref="ShownText"/>, which also marks the escapes.
    /// </summary>
    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(DisplayText.Escape(text, LineBreaks.Keep));

    /// <summary>Encodes text already free of hidden characters (a literal part of <see cref="DisplayText.Parts"/>).</summary>
    internal static string EncodeShown(string text) => Encoder.Encode(text);

    /// <summary>The interpolated markup with every hole encoded.</summary>
    public static HtmlString H(ref HtmlBuilder builder) => builder.Build();

    /// <summary>A query-string or path component, percent-encoded (then HTML-encoded where it is interpolated).</summary>
    public static string Url(string value) => Uri.EscapeDataString(value);

    public static HtmlString Join(IEnumerable<HtmlString> parts) => new(string.Concat(parts.Select(p => p.Value)));
}

/// <summary>
/// Agent-supplied text for a page: every hidden or control character shown as a marked escape
/// (<c>&lt;mark class="ctl"&gt;&amp;lt;U+202E&amp;gt;&lt;/mark&gt;</c>), and whether any was needed so the page can warn.
/// One instance per thing warned about (a request, a queue row, an audit record).
/// </summary>
public sealed class ShownText
{
    /// <summary>Whether <see cref="Text"/> escaped anything so far.</summary>
    public bool Escaped { get; private set; }

    /// <summary>The text as markup; <paramref name="lineBreaks"/> keeps line feeds for a &lt;pre&gt; block.</summary>
    public HtmlString Text(string? text, LineBreaks lineBreaks = LineBreaks.Escape)
    {
        if (string.IsNullOrEmpty(text)) return HtmlString.Empty;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var part in DisplayText.Parts(text, lineBreaks))
        {
            if (!part.Escaped) { sb.Append(Html.EncodeShown(part.Text)); continue; }
            Escaped = true;
            // An escape is ASCII from a fixed set (\x1b, \r, <U+202E>, \\, \<): only the angle brackets need encoding.
            sb.Append("<mark class=\"ctl\">").Append(part.Text.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)).Append("</mark>");
        }
        return new HtmlString(sb.ToString());
    }

    /// <summary>Several texts joined by a literal separator.</summary>
    public HtmlString Join(string separator, IEnumerable<string> texts) =>
        new(string.Join(Html.Encode(separator), texts.Select(t => Text(t).Value)));
}
