using System.Buffers;
using System.Globalization;
using System.Text;

namespace Interlock.Actions;

/// <summary>What a line feed in shown text becomes: the escape <c>\n</c> (one terminal line) or a real line break (a block such as a web page's &lt;pre&gt;).</summary>
public enum LineBreaks
{
    Escape,
    Keep,
}

/// <summary>One piece of shown text: literal text, or the visible escape of one hidden character (or of a literal that would read as an escape).</summary>
public readonly record struct DisplayPart(string Text, bool Escaped);

/// <summary>
/// Makes agent-supplied text (commands, tool names, paths, reasons that quote them, session ids, agent names) safe to
/// show a person. A terminal acts on ESC and CR, and a browser reorders text around bidi controls, so the text shown
/// could differ from the text that runs; every such character is replaced by a visible escape instead:
/// <c>\t \n \r</c>, <c>\xHH</c> for the other C0 controls, DEL and C1 controls, and <c>&lt;U+XXXX&gt;</c> for format
/// characters (bidi controls, zero-width characters, the BOM and the rest of category Cf), line and paragraph
/// separators, spaces other than U+0020, invisible fillers and unpaired surrogates.
/// <para>
/// Text without any of those is returned as it is, so ordinary commands read exactly as typed (a backslash stays one
/// backslash). Text with any of them is escaped completely: a literal backslash becomes <c>\\</c> and a literal
/// <c>&lt;U+</c> becomes <c>\&lt;U+</c>, so no two inputs with hidden characters show alike. Callers show
/// <see cref="Notice"/> whenever <see cref="HasHidden"/> is true, which tells those apart from clean text that
/// happens to contain <c>\x1b</c>. Pure: no I/O.
/// </para>
/// </summary>
public static class DisplayText
{
    /// <summary>The warning shown next to escaped text (CLI warning line, web banner).</summary>
    public const string Notice = "contains hidden or control characters: what is shown is escaped";

    /// <summary>Whether showing <paramref name="text"/> needs any escape.</summary>
    public static bool HasHidden(string? text, LineBreaks lineBreaks = LineBreaks.Escape)
    {
        if (string.IsNullOrEmpty(text)) return false;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            // Printable ASCII is the common case: no rune decoding for it.
            if (c is >= ' ' and < '\u007f') { i++; continue; }
            var (hidden, length) = Classify(text, i, lineBreaks);
            if (hidden) return true;
            i += length;
        }
        return false;
    }

    /// <summary>The text as it is when it has nothing hidden; otherwise every hidden character escaped (see the type's remarks).</summary>
    public static string Escape(string? text, LineBreaks lineBreaks = LineBreaks.Escape)
    {
        if (text is null) return "";
        if (!HasHidden(text, lineBreaks)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var part in Parts(text, lineBreaks)) sb.Append(part.Text);
        return sb.ToString();
    }

    /// <summary>
    /// The shown text in pieces, so a page can mark each escape (concatenated, they are <see cref="Escape"/>'s result).
    /// Clean text is one literal part.
    /// </summary>
    public static IReadOnlyList<DisplayPart> Parts(string? text, LineBreaks lineBreaks = LineBreaks.Escape)
    {
        if (string.IsNullOrEmpty(text)) return [];
        if (!HasHidden(text, lineBreaks)) return [new DisplayPart(text, false)];
        var parts = new List<DisplayPart>();
        var literal = new StringBuilder();
        void Escaped(string escape)
        {
            if (literal.Length > 0) parts.Add(new DisplayPart(literal.ToString(), false));
            literal.Clear();
            parts.Add(new DisplayPart(escape, true));
        }
        for (var i = 0; i < text.Length;)
        {
            var (hidden, length) = Classify(text, i, lineBreaks);
            if (hidden) Escaped(EscapeOf(text, i, length));
            else if (text[i] == '\\') Escaped(@"\\");
            else if (text[i] == '<' && string.CompareOrdinal(text, i + 1, "U+", 0, 2) == 0) Escaped(@"\<");
            else literal.Append(text, i, length);
            i += length;
        }
        if (literal.Length > 0) parts.Add(new DisplayPart(literal.ToString(), false));
        return parts;
    }

    /// <summary>Whether the character (or surrogate pair) at <paramref name="i"/> is hidden, and how many chars it spans.</summary>
    private static (bool Hidden, int Length) Classify(string text, int i, LineBreaks lineBreaks)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
            return (true, 1); // an unpaired surrogate: shown as <U+D800>, never passed on to be mangled or dropped
        var v = rune.Value;
        if (v == '\n') return (lineBreaks == LineBreaks.Escape, 1);
        if (v < 0x20 || v is >= 0x7f and <= 0x9f) return (true, consumed);
        if (v == ' ') return (false, 1);
        // Fillers that render as nothing though Unicode calls them letters (Hangul fillers, used to fake blank names).
        if (v is 0x115f or 0x1160 or 0x3164 or 0xffa0) return (true, consumed);
        var hidden = Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator;
        return (hidden, consumed);
    }

    private static string EscapeOf(string text, int i, int length)
    {
        int v = length == 2 ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
        return v switch
        {
            '\t' => @"\t",
            '\n' => @"\n",
            '\r' => @"\r",
            < 0x20 or (>= 0x7f and <= 0x9f) => string.Create(CultureInfo.InvariantCulture, $@"\x{v:x2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"<U+{v:X4}>"),
        };
    }
}
