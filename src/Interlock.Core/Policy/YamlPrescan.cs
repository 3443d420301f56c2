using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Interlock.Policy;

/// <summary>
/// Walks a YAML event stream (iteratively, so no recursion) to enforce size and depth budgets and reject aliases and
/// multiple documents before the recursive representation model sees the text: deep nesting would overflow its stack.
/// </summary>
internal static class YamlPrescan
{
    /// <summary>
    /// Checks the text (<see cref="Check"/>) and, when it passes, builds the representation model from the events the
    /// check already parsed: scanning the text once, not twice, halves the time a large pack or policy takes to load.
    /// </summary>
    /// <returns>The stream, or null when the text failed the check (the errors went to <paramref name="error"/>).</returns>
    public static YamlStream? Load(string text, string noun, string plural, int maxDepth, int maxNodes, Action<Mark, string> error)
    {
        var events = new List<ParsingEvent>();
        if (!Check(text, noun, plural, maxDepth, maxNodes, error, events)) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new Replay(events));
        }
        catch (YamlException ex)
        {
            error(ex.Start, SyntaxMessage(ex));
            return null;
        }
        return stream;
    }

    /// <summary>Events already parsed, handed to the representation model as a parser.</summary>
    private sealed class Replay(List<ParsingEvent> events) : IParser
    {
        private int _next;

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            if (_next >= events.Count)
            {
                Current = null;
                return false;
            }
            Current = events[_next++];
            return true;
        }
    }

    /// <param name="text">The YAML.</param>
    /// <param name="noun">What the file is, for messages ("policy").</param>
    /// <param name="plural">Its plural ("policies").</param>
    /// <param name="maxDepth">Deepest nesting of mappings and sequences.</param>
    /// <param name="maxNodes">Most nodes.</param>
    /// <param name="error">Receives each problem with its position.</param>
    /// <returns>Whether the text may be loaded.</returns>
    /// <param name="events">When given, receives every event parsed (for <see cref="Load"/>).</param>
    public static bool Check(string text, string noun, string plural, int maxDepth, int maxNodes, Action<Mark, string> error, List<ParsingEvent>? events = null) =>
        Walk(new Parser(new StringReader(text)), noun, plural, maxDepth, maxNodes, error, events);

    /// <summary>The same budget check over events another reader already gave (the knowledge packs' fast reader).</summary>
    public static bool CheckParsed(List<ParsingEvent> parsed, string noun, string plural, int maxDepth, int maxNodes, Action<Mark, string> error) =>
        Walk(new Replay(parsed), noun, plural, maxDepth, maxNodes, error, null);

    private static bool Walk(IParser parser, string noun, string plural, int maxDepth, int maxNodes, Action<Mark, string> error, List<ParsingEvent>? events)
    {
        var depth = 0;
        var nodes = 0;
        var documents = 0;
        var ok = true;
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = ev.End;
                events?.Add(ev);
                switch (ev)
                {
                    case DocumentStart:
                        if (++documents == 2)
                        {
                            error(ev.Start, $"more than one YAML document; expected a single {noun} document");
                            ok = false;
                        }
                        break;
                    case AnchorAlias:
                        error(ev.Start, $"YAML aliases are not supported in {plural}; expected plain values");
                        ok = false;
                        break;
                    case MappingStart or SequenceStart:
                        if (++depth > maxDepth)
                        {
                            error(ev.Start, $"nesting deeper than {maxDepth} levels; expected a flatter {noun}");
                            return false;
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
                if (ev is NodeEvent && ++nodes > maxNodes)
                {
                    error(ev.Start, $"more than {maxNodes} YAML nodes; expected a smaller {noun}");
                    return false;
                }
            }
        }
        catch (YamlException ex)
        {
            error(ex.Start, SyntaxMessage(ex));
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, not a YamlException, on some broken flow lists (`[x,` then a key on the
            // next line): still a syntax error at a place, not a crash of the caller.
            error(last, "YAML syntax error: the text cannot be read after this point");
            return false;
        }
        return ok;
    }

    /// <summary>"YAML syntax error: …" without the position prefix YamlDotNet puts in its messages (positions are reported separately).</summary>
    public static string SyntaxMessage(YamlException ex)
    {
        var message = ex.Message;
        if (message.StartsWith("(Line:", StringComparison.Ordinal))
        {
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            var second = cut >= 0 ? message.IndexOf("): ", cut + 3, StringComparison.Ordinal) : -1;
            if (second >= 0) cut = second;
            if (cut >= 0) message = message[(cut + 3)..];
        }
        return $"YAML syntax error: {message}";
    }
}
