using System.Text;

namespace Interlock.Shell;

/// <summary>Accumulates the parts of one word, merging adjacent literal text with the same quoting.</summary>
internal sealed class WordBuilder
{
    private readonly StringBuilder _literal = new();
    private List<WordPart>? _parts;
    private bool _hasLiteral;
    private bool _literalQuoted;
    private bool _sawQuotedEmpty;

    public int PartCount => (_parts?.Count ?? 0) + (_hasLiteral ? 1 : 0);

    public bool IsEmpty => PartCount == 0 && !_sawQuotedEmpty;

    public void Reset()
    {
        _literal.Clear();
        _parts = null;
        _hasLiteral = false;
        _literalQuoted = false;
        _sawQuotedEmpty = false;
    }

    public void AppendLiteral(ReadOnlySpan<char> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            if (quoted) _sawQuotedEmpty = true;
            return;
        }

        if (_hasLiteral && _literalQuoted != quoted) FlushLiteral();
        _literal.Append(text);
        _hasLiteral = true;
        _literalQuoted = quoted;
    }

    public void AppendLiteral(char c, bool quoted)
    {
        if (_hasLiteral && _literalQuoted != quoted) FlushLiteral();
        _literal.Append(c);
        _hasLiteral = true;
        _literalQuoted = quoted;
    }

    public void AddPart(WordPart part)
    {
        FlushLiteral();
        (_parts ??= []).Add(part);
    }

    private void FlushLiteral()
    {
        if (!_hasLiteral) return;
        (_parts ??= []).Add(new LiteralPart(_literal.ToString(), _literalQuoted));
        _literal.Clear();
        _hasLiteral = false;
    }

    /// <summary>The parts collected so far; an empty quoted word yields one empty quoted literal.</summary>
    public List<WordPart> TakeParts()
    {
        FlushLiteral();
        var parts = _parts ?? [];
        if (parts.Count == 0 && _sawQuotedEmpty) parts.Add(new LiteralPart("", true));
        Reset();
        return parts;
    }
}
