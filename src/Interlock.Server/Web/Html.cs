using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

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

    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(text);

    /// <summary>The interpolated markup with every hole encoded.</summary>
    public static HtmlString H(ref HtmlBuilder builder) => builder.Build();

    /// <summary>A query-string or path component, percent-encoded (then HTML-encoded where it is interpolated).</summary>
    public static string Url(string value) => Uri.EscapeDataString(value);

    public static HtmlString Join(IEnumerable<HtmlString> parts) => new(string.Concat(parts.Select(p => p.Value)));
}
