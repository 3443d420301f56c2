using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using TagDirective = YamlDotNet.Core.Tokens.TagDirective;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// A fast reader for the YAML a knowledge pack is written in, giving the very events (types, values, styles, marks)
/// YamlDotNet's parser gives, or declining (null) at anything outside the subset so that the caller uses YamlDotNet:
/// block mappings and sequences by indentation, flow mappings and sequences (which may span lines), plain and quoted
/// scalars on one line, comments, a leading "---". Declining is always safe; reading a pack differently from YamlDotNet
/// would not be, so each rule here takes the narrow side (PackYamlReaderTests compares the two on mutated packs).
/// </summary>
internal sealed class PackYamlReader
{
    // Deeper nesting is declined: YamlDotNet and the budget check report it.
    private const int MaxNesting = 32;

    private static readonly TagDirective[] DefaultTags = Constants.DefaultTagDirectives;

    private readonly PackYamlText _text;
    private readonly List<ParsingEvent> _events;
    private int _depth;
    private int _flowLevel;

    private PackYamlReader(string text)
    {
        _text = new PackYamlText(text);
        // About one event per 12 characters in the built-in packs.
        _events = new List<ParsingEvent>(text.Length / 12 + 8);
    }

    /// <summary>The events YamlDotNet's parser would give for <paramref name="text"/>, or null when the text is outside the subset.</summary>
    public static List<ParsingEvent>? Read(string text)
    {
        var reader = new PackYamlReader(text);
        return reader.Document() ? reader._events : null;
    }

    private bool Document()
    {
        var t = _text;
        if (!t.CharactersFit()) return false;
        var origin = t.Mark();
        _events.Add(new StreamStart(origin, origin));
        if (!t.SkipToContent() || t.AtEnd) return false;
        if (t.AtDocumentMarker)
        {
            if (t.Current != '-') return false;
            var start = t.Mark();
            t.Pos += 3;
            _events.Add(new DocumentStart(null, new TagDirectiveCollection(DefaultTags), false, start, t.Mark()));
            if (!t.EndOfLine() || t.AtEnd) return false;
        }
        else
        {
            var start = t.Mark();
            _events.Add(new DocumentStart(null, new TagDirectiveCollection(DefaultTags), true, start, start));
        }
        if (t.AtDocumentMarker) return false;
        if (!(t.AtEntry ? Sequence(t.Offset) : Mapping(t.Offset)) || !t.AtEnd) return false;
        var end = t.EndMark();
        _events.Add(new DocumentEnd(true, end, end));
        _events.Add(new StreamEnd(end, end));
        return true;
    }

    /// <summary>A block mapping whose keys stand at <paramref name="column"/>; ends at the next content less indented.</summary>
    private bool Mapping(int column)
    {
        var t = _text;
        if (++_depth > MaxNesting) return false;
        var mark = t.Mark();
        _events.Add(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block, mark, mark));
        while (true)
        {
            if (t.AtDocumentMarker || t.AtEntry || !Key(flow: false) || !BlockValue(column)) return false;
            if (t.AtEnd || t.Offset < column) break;
            if (t.Offset > column) return false;
        }
        mark = t.CloseMark(column);
        _events.Add(new MappingEnd(mark, mark));
        _depth--;
        return true;
    }

    /// <summary>A block sequence whose '-' entries stand at <paramref name="column"/>.</summary>
    private bool Sequence(int column)
    {
        var t = _text;
        if (++_depth > MaxNesting) return false;
        var mark = t.Mark();
        _events.Add(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block, mark, mark));
        while (true)
        {
            if (t.AtDocumentMarker || !t.AtEntry) return false;
            t.Pos++;
            t.SkipSpaces();
            if (t.Current is '\n' or '\0' or '#')
            {
                // The entry's node starts on a later line, more indented.
                if (!NestedBlock(column)) return false;
            }
            else if (t.AtEntry) return false;
            else if (t.Current is not ('[' or '{') && t.KeyAhead())
            {
                if (!Mapping(t.Offset)) return false;
            }
            else if (!Inline(column) || !t.EndOfLine()) return false;
            if (t.AtEnd || t.Offset < column) break;
            if (t.Offset > column) return false;
        }
        mark = t.CloseMark(column);
        _events.Add(new SequenceEnd(mark, mark));
        _depth--;
        return true;
    }

    /// <summary>A value after its key's ':': on the same line, or a block collection on the lines after, more indented.</summary>
    private bool BlockValue(int column)
    {
        var t = _text;
        t.Pos++;
        t.SkipSpaces();
        if (t.Current is '\n' or '\0' or '#') return NestedBlock(column);
        return Inline(column) && t.EndOfLine();
    }

    /// <summary>A block collection starting on a later line, indented past <paramref name="column"/> (an empty value or an indentless list declines).</summary>
    private bool NestedBlock(int column)
    {
        var t = _text;
        if (!t.SkipToContent() || t.AtEnd || t.Offset <= column) return false;
        return t.AtEntry ? Sequence(t.Offset) : Mapping(t.Offset);
    }

    /// <summary>A key (plain or quoted, touching its ':'), left at the ':'.</summary>
    private bool Key(bool flow)
    {
        var t = _text;
        var start = t.Mark();
        if (t.Current is '"' or '\'')
        {
            var style = t.Current == '"' ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted;
            if (t.Quoted() is not { } quoted || !t.QuotedKeyEnds((int)start.Index, flow)) return false;
            _events.Add(new Scalar(AnchorName.Empty, TagName.Empty, quoted, style, false, true, start, t.Mark(), isKey: true));
            return true;
        }
        if (t.Plain(flow, key: true) is not { } plain) return false;
        _events.Add(new Scalar(AnchorName.Empty, TagName.Empty, plain, ScalarStyle.Plain, true, false, start, t.Mark(), isKey: true));
        return true;
    }

    /// <summary>A node within a line (a flow collection may run on to later lines): flow collection, quoted or plain scalar.</summary>
    /// <param name="indent">The innermost block collection's column: a flow's later lines must be indented past it.</param>
    private bool Inline(int indent)
    {
        var t = _text;
        switch (t.Current)
        {
            case '[': return FlowSequence(indent);
            case '{': return FlowMapping(indent);
            case '"' or '\'':
                var style = t.Current == '"' ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted;
                var start = t.Mark();
                if (t.Quoted() is not { } quoted) return false;
                _events.Add(new Scalar(AnchorName.Empty, TagName.Empty, quoted, style, false, true, start, t.Mark()));
                return true;
            default:
                var from = t.Mark();
                if (t.Plain(flow: _flowLevel > 0, key: false) is not { } plain) return false;
                _events.Add(new Scalar(AnchorName.Empty, TagName.Empty, plain, ScalarStyle.Plain, true, false, from, t.Mark()));
                return true;
        }
    }

    private bool FlowSequence(int indent)
    {
        var t = _text;
        if (++_depth > MaxNesting) return false;
        _flowLevel++;
        var mark = t.Mark();
        _events.Add(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Flow, mark, mark));
        t.Pos++;
        if (!FlowSpace(indent)) return false;
        if (t.Current != ']')
        {
            while (true)
            {
                if (!Inline(indent) || !FlowSpace(indent)) return false;
                if (t.Current == ']') break;
                if (t.Current != ',') return false;
                t.Pos++;
                if (!FlowSpace(indent) || t.Current == ']') return false;
            }
        }
        mark = t.Mark();
        _events.Add(new SequenceEnd(mark, mark));
        t.Pos++;
        _flowLevel--;
        _depth--;
        return true;
    }

    private bool FlowMapping(int indent)
    {
        var t = _text;
        if (++_depth > MaxNesting) return false;
        _flowLevel++;
        var mark = t.Mark();
        _events.Add(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Flow, mark, mark));
        t.Pos++;
        if (!FlowSpace(indent)) return false;
        if (t.Current != '}')
        {
            while (true)
            {
                // "key: value" with the value on the key's line.
                if (!Key(flow: true)) return false;
                t.Pos++;
                t.SkipSpaces();
                if (t.Current is ',' or '}' or '\n' or '\0' or '#' || !Inline(indent) || !FlowSpace(indent)) return false;
                if (t.Current == '}') break;
                if (t.Current != ',') return false;
                t.Pos++;
                if (!FlowSpace(indent) || t.Current == '}') return false;
            }
        }
        mark = t.Mark();
        _events.Add(new MappingEnd(mark, mark));
        t.Pos++;
        _flowLevel--;
        _depth--;
        return true;
    }

    /// <summary>Spaces, comments and line breaks inside a flow; content on a later line must be indented past the block's column.</summary>
    private bool FlowSpace(int indent)
    {
        var t = _text;
        var line = t.Line;
        if (!t.SkipToContent() || t.AtEnd) return false;
        return t.Line == line || (t.Offset > indent && !t.AtDocumentMarker);
    }
}
