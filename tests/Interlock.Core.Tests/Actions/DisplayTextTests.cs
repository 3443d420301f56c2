using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Interlock.Actions;

namespace Interlock.Core.Tests.Actions;

/// <summary>Agent text shown to a person: every hidden character visible, clean text unchanged, no two inputs shown alike.</summary>
public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("kubectl get pods", "kubectl get pods")]
    [InlineData(@"printf 'a\tb\n' | grep -E 'x\\y'", @"printf 'a\tb\n' | grep -E 'x\\y'")]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600", "caf\u00e9 \u65e5\u672c \U0001F600")]
    [InlineData("<U+202E> typed by hand", "<U+202E> typed by hand")]
    [InlineData("kubectl scale --replicas=0 deploy/web\u001b[2K\rkubectl get pods", @"kubectl scale --replicas=0 deploy/web\x1b[2K\rkubectl get pods")]
    [InlineData("a\tb", @"a\tb")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("nul\0bell\u0007del\u007f", @"nul\x00bell\x07del\x7f")]
    [InlineData("c1 csi\u009b2J nel\u0085", @"c1 csi\x9b2J nel\x85")]
    [InlineData("ls \u202e#gnp.x\u202c", "ls <U+202E>#gnp.x<U+202C>")]
    [InlineData("\u202a\u202b\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "<U+202A><U+202B><U+202D><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>")]
    [InlineData("r\u200bm -rf\u200c\u200d\u2060\ufeff /", "r<U+200B>m -rf<U+200C><U+200D><U+2060><U+FEFF> /")]
    [InlineData("soft\u00adhyphen nb\u00a0sp ideo\u3000sp", "soft<U+00AD>hyphen nb<U+00A0>sp ideo<U+3000>sp")]
    [InlineData("line\u2028para\u2029", "line<U+2028>para<U+2029>")]
    [InlineData("tag\U000E0041 filler\u3164", "tag<U+E0041> filler<U+3164>")]
    [InlineData("hidden\u001b with C:\\dir and <U+41>", @"hidden\x1b with C:\\dir and \<U+41>")]
    public void Shows_every_hidden_character_as_a_visible_escape(string input, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(input));
        Assert.Equal(input != shown, DisplayText.HasHidden(input));
        Assert.Equal(shown, string.Concat(DisplayText.Parts(input).Select(p => p.Text)));
    }

    [Fact]
    public void Unpaired_surrogates_are_shown_by_code_point()
    {
        // Not an InlineData: xunit's serialization of theory data replaces lone surrogates with U+FFFD.
        var input = "lone \ud800 and \udc00, swapped \udc00\ud800";
        Assert.Equal("lone <U+D800> and <U+DC00>, swapped <U+DC00><U+D800>", DisplayText.Escape(input));
        Assert.True(DisplayText.HasHidden(input));
    }

    [Fact]
    public void A_kept_line_break_stays_a_line_break_but_a_carriage_return_does_not()
    {
        Assert.Equal("line one\nline two", DisplayText.Escape("line one\nline two", LineBreaks.Keep));
        Assert.False(DisplayText.HasHidden("line one\nline two", LineBreaks.Keep));
        Assert.True(DisplayText.HasHidden("line one\nline two"));
        Assert.Equal("one\\r\ntwo\\t", DisplayText.Escape("one\r\ntwo\t", LineBreaks.Keep));
    }

    [Fact]
    public void Parts_mark_exactly_the_escapes()
    {
        var parts = DisplayText.Parts("ls \u202ex\\y\u001b");
        Assert.Equal(
            [new DisplayPart("ls ", false), new DisplayPart("<U+202E>", true), new DisplayPart("x", false), new DisplayPart(@"\\", true), new DisplayPart("y", false), new DisplayPart(@"\x1b", true)],
            parts);
        Assert.Equal([new DisplayPart("plain", false)], DisplayText.Parts("plain"));
        Assert.Empty(DisplayText.Parts(null));
        Assert.Equal("", DisplayText.Escape(null));
    }

    // Characters a generator should hit often: the escaped classes, the escape syntax itself, and plain text.
    private static readonly char[] Interesting =
    [
        '\\', '<', '>', 'U', '+', 'x', '1', 'b', 'r', 't', 'n', 'a', ' ', '#', '0', 'F',
        '\u001b', '\r', '\n', '\t', '\0', '\u007f', '\u0085', '\u009b', '\u00a0', '\u00ad', '\u061c', '\u200b', '\u200d',
        '\u200e', '\u202a', '\u202e', '\u2028', '\u2060', '\u2066', '\u2069', '\u3164', '\ufeff', '\ud800', '\udbff', '\udc00', '\u00e9', '\u65e5',
    ];

    private static readonly Gen<string> Texts =
        Gen.Frequency(
                (4, Gen.Elements(Interesting)),
                (1, Gen.Choose(0, 0xffff).Select(i => (char)i)))
            .ArrayOf()
            .Select(cs => new string(cs));

    /// <summary>Independent of the implementation: what must never reach a terminal or a page unescaped.</summary>
    private static bool IsDangerous(string s, int i, out int length)
    {
        length = 1;
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            length = 2;
            return CharUnicodeInfo.GetUnicodeCategory(s, i) == UnicodeCategory.Format;
        }
        if (char.IsSurrogate(c)) return true;
        if (c < 0x20 || c is >= '\u007f' and <= '\u009f') return true;
        if (c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' or '\u200e' or '\u200f' or '\u061c') return true;
        if (c is >= '\u200b' and <= '\u200d' or '\u2060' or '\ufeff' or '\u2028' or '\u2029') return true;
        return CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
    }

    [Fact]
    public void The_shown_text_never_holds_a_control_bidi_invisible_or_unpaired_character()
    {
        Prop.ForAll(Texts.ToArbitrary(), text =>
        {
            var shown = DisplayText.Escape(text);
            var i = 0;
            while (i < shown.Length)
            {
                Assert.False(IsDangerous(shown, i, out var length), $"U+{(int)shown[i]:X4} at {i} in the display of {Describe(text)}");
                i += length;
            }
            Assert.False(DisplayText.HasHidden(shown));
            Assert.Equal(shown, DisplayText.Escape(shown));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Distinct_inputs_are_shown_distinctly_once_the_warning_is_taken_into_account()
    {
        // Injective: the input is recovered from (shown text, warning shown), so two inputs that differ never look alike.
        Prop.ForAll(Texts.ToArbitrary(), text =>
        {
            foreach (var mode in new[] { LineBreaks.Escape, LineBreaks.Keep })
            {
                var hidden = DisplayText.HasHidden(text, mode);
                Assert.Equal(text, Unescape(DisplayText.Escape(text, mode), hidden));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));

        Prop.ForAll(Texts.ToArbitrary(), Texts.ToArbitrary(), (a, b) =>
            a == b || (DisplayText.Escape(a), DisplayText.HasHidden(a)) != (DisplayText.Escape(b), DisplayText.HasHidden(b)))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    /// <summary>Reads a shown text back (the inverse the injectivity property is checked against).</summary>
    private static string Unescape(string shown, bool hidden)
    {
        if (!hidden) return shown;
        var sb = new StringBuilder();
        for (var i = 0; i < shown.Length;)
        {
            if (shown[i] == '\\')
            {
                var next = shown[i + 1];
                switch (next)
                {
                    case '\\': sb.Append('\\'); i += 2; break;
                    case '<': sb.Append('<'); i += 2; break;
                    case 't': sb.Append('\t'); i += 2; break;
                    case 'n': sb.Append('\n'); i += 2; break;
                    case 'r': sb.Append('\r'); i += 2; break;
                    case 'x': sb.Append((char)int.Parse(shown.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 4; break;
                    default: throw new InvalidOperationException($"a lone backslash at {i} in {shown}");
                }
            }
            else if (shown[i] == '<' && string.CompareOrdinal(shown, i + 1, "U+", 0, 2) == 0)
            {
                var end = shown.IndexOf('>', i);
                var value = int.Parse(shown.AsSpan(i + 3, end - i - 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                sb.Append(value is >= 0xd800 and <= 0xdfff ? ((char)value).ToString() : char.ConvertFromUtf32(value));
                i = end + 1;
            }
            else
            {
                sb.Append(shown[i]);
                i++;
            }
        }
        return sb.ToString();
    }

    private static string Describe(string text) => string.Join(' ', text.Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture)));
}
