using System.Text;
using Interlock.Actions;

namespace Interlock.Cli;

/// <summary>
/// Text for a terminal that may hold agent-supplied words: escaped by <see cref="DisplayText"/> (a terminal acts on ESC
/// and CR, so a raw command could repaint itself as a harmless one), with one warning line when anything was escaped.
/// </summary>
internal sealed class TerminalText
{
    /// <summary>The warning line's text after its prefix.</summary>
    public const string Warning = "warning: the text above " + DisplayText.Notice + @" (\x1b, \r, <U+202E> ...; a literal backslash as \\)";

    /// <summary>Whether <see cref="Show"/> escaped anything so far.</summary>
    public bool Escaped { get; private set; }

    /// <summary>The text as one safe terminal line (a line feed shows as <c>\n</c>).</summary>
    public string Show(string? text)
    {
        if (DisplayText.HasHidden(text)) Escaped = true;
        return DisplayText.Escape(text);
    }

    /// <summary>Writes the warning line when anything was escaped.</summary>
    public void WriteWarning(TextWriter w, string prefix)
    {
        if (Escaped) w.WriteLine(prefix + Warning);
    }

    /// <summary>One line, escaped, followed by the warning when it needed escaping.</summary>
    public static void WriteLine(TextWriter w, string line, string prefix = "interlock: ")
    {
        var t = new TerminalText();
        w.WriteLine(t.Show(line));
        t.WriteWarning(w, prefix);
    }

    /// <summary>
    /// JSON for a terminal: every character <see cref="DisplayText"/> would escape becomes a JSON <c>\uXXXX</c> escape
    /// (same value, still valid JSON); line feeds between tokens stay. Raw control characters never occur outside
    /// strings in a serializer's output, so every replacement is inside a string.
    /// </summary>
    public static string Json(string json)
    {
        if (!DisplayText.HasHidden(json, LineBreaks.Keep)) return json;
        var sb = new StringBuilder(json.Length + 16);
        for (var i = 0; i < json.Length;)
        {
            var length = char.IsSurrogatePair(json, i) ? 2 : 1;
            var piece = json.Substring(i, length);
            if (DisplayText.HasHidden(piece, LineBreaks.Keep))
                foreach (var c in piece) sb.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(piece);
            i += length;
        }
        return sb.ToString();
    }
}
