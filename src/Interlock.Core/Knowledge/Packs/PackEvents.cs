using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// A checked YAML document's events with each node's extent, so the pack reader walks nodes by index instead of
/// building YamlDotNet's node tree (whose per-mapping dictionaries were most of a pack's load time). A node is the index
/// of its first event; <see cref="End"/> is the index just past it.
/// </summary>
internal sealed class PackEvents
{
    // Beyond this many keys a mapping's duplicate check switches from a scan to a set, so a huge mapping is not quadratic.
    private const int ScanKeys = 32;

    private readonly List<ParsingEvent> _events;
    private readonly int[] _ends;

    private PackEvents(List<ParsingEvent> events, int[] ends)
    {
        _events = events;
        _ends = ends;
    }

    public ParsingEvent this[int node] => _events[node];

    /// <summary>The index just past the node starting at <paramref name="node"/>.</summary>
    public int End(int node) => _ends[node];

    /// <summary>The root node, or -1 when the stream has no document.</summary>
    public int Root { get; private init; } = -1;

    /// <summary>Whether the node at <paramref name="index"/> ends the mapping or list it is in.</summary>
    public bool IsClose(int index) => index >= _events.Count || _events[index] is MappingEnd or SequenceEnd;

    /// <summary>An index past every event, where a walk over no items stops at once.</summary>
    public int Empty => _events.Count;

    /// <summary>
    /// Indexes the events (which passed <c>YamlPrescan.Check</c>: one document, no aliases, bounded depth). A mapping
    /// with the same scalar key twice is refused as YamlDotNet's representation model refused it — one
    /// "Duplicate key" syntax error at the key of the first pair to complete — since a repeated key would be read
    /// silently as its last value.
    /// </summary>
    public static PackEvents? Index(List<ParsingEvent> events, Action<Mark, string> error)
    {
        var ends = new int[events.Count + 1];
        var open = new Stack<Frame>();
        var keys = new List<Scalar>();
        var root = -1;
        var node = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var ev = events[i];
            switch (ev)
            {
                case DocumentStart when root < 0:
                    root = i + 1;
                    continue;
                case MappingStart or SequenceStart:
                    open.Push(new Frame(i, ev is MappingStart, keys.Count));
                    continue;
                case MappingEnd or SequenceEnd:
                    var frame = open.Pop();
                    ends[frame.Start] = i + 1;
                    ends[i] = i + 1;
                    keys.RemoveRange(frame.Keys, keys.Count - frame.Keys);
                    node = frame.Start;
                    break;
                case Scalar:
                    ends[i] = i + 1;
                    node = i;
                    break;
                default:
                    continue;
            }
            // A node completed: in a mapping it is a key or a value, alternately.
            if (open.Count == 0 || !open.Peek().IsMapping) continue;
            var parent = open.Peek();
            if (parent.Pending < 0) parent.Pending = node;
            else
            {
                if (events[parent.Pending] is Scalar key && !parent.Add(keys, key))
                {
                    // The message YamlDotNet's representation model gave, which the pack errors have always shown.
                    error(key.Start, $"YAML syntax error: Duplicate key {key.Value}");
                    return null;
                }
                parent.Pending = -1;
            }
        }
        return new PackEvents(events, ends) { Root = root };
    }

    /// <summary>An open mapping or list: where it starts, where its keys begin in the shared list, its key awaiting a value.</summary>
    private sealed class Frame(int start, bool isMapping, int keys)
    {
        public int Start { get; } = start;

        public bool IsMapping { get; } = isMapping;

        /// <summary>Where this mapping's keys begin in the shared list.</summary>
        public int Keys { get; } = keys;

        /// <summary>The key awaiting its value, or -1.</summary>
        public int Pending { get; set; } = -1;

        private HashSet<(TagName, string)>? _set;

        public bool Add(List<Scalar> keys, Scalar key)
        {
            if (_set is { } set) return set.Add((key.Tag, key.Value));
            for (var k = Keys; k < keys.Count; k++)
                if (keys[k].Value == key.Value && keys[k].Tag.Equals(key.Tag)) return false;
            keys.Add(key);
            if (keys.Count - Keys > ScanKeys) _set = [.. keys.Skip(Keys).Select(s => (s.Tag, s.Value))];
            return true;
        }
    }
}
