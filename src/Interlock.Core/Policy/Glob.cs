namespace Interlock.Policy;

/// <summary>
/// A compiled glob: <c>*</c> matches any run of characters except <c>/</c>, <c>**</c> any run including <c>/</c>,
/// <c>?</c> one character except <c>/</c>, <c>[abc]</c> / <c>[a-z]</c> / <c>[!x]</c> one character of (or not of) a class
/// (never <c>/</c>), and <c>\</c> escapes the next character. Case-sensitive, anchored at both ends.
/// Matching never allocates: a literal glob compares with string equality, <c>prefix*suffix</c> and
/// <c>prefix**suffix</c> shapes are checked directly, anything else runs a small NFA over stack memory.
/// </summary>
public sealed class Glob
{
    /// <summary>Longest pattern accepted, in characters.</summary>
    public const int MaxPatternLength = 1024;

    private enum Kind : byte { Char, Any, Class, Star, DoubleStar }

    private enum Shape : byte { Literal, PrefixStarSuffix, PrefixDoubleStarSuffix, AnyDirectoryLeaf, General }

    private readonly record struct Token(Kind Kind, char Char, int Class);

    private sealed record CharClass(char[] Ranges, bool Negated)
    {
        public bool Matches(char c)
        {
            if (c == '/') return false;
            var inside = false;
            for (var i = 0; i < Ranges.Length; i += 2)
            {
                if (c >= Ranges[i] && c <= Ranges[i + 1])
                {
                    inside = true;
                    break;
                }
            }
            return inside != Negated;
        }
    }

    private readonly Shape _shape;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly Token[] _middle;
    private readonly CharClass[] _classes;

    /// <summary>For <c>prefix**/leaf</c> with no <c>/</c> in leaf: the leaf's own glob, matched against the last segment only.</summary>
    private Glob? _leaf;

    /// <summary>The longest literal run inside the middle: text without it cannot match, and a vectorized search says so fast.</summary>
    private readonly string? _required;

    private Glob(string pattern, Shape shape, string prefix, string suffix, Token[] middle, CharClass[] classes)
    {
        Pattern = pattern;
        _shape = shape;
        _prefix = prefix;
        _suffix = suffix;
        _middle = middle;
        _classes = classes;
        _required = LongestLiteralRun(middle);
    }

    private static string? LongestLiteralRun(Token[] middle)
    {
        int bestStart = 0, bestLength = 0;
        for (int i = 0; i < middle.Length;)
        {
            if (middle[i].Kind != Kind.Char) { i++; continue; }
            int start = i;
            while (i < middle.Length && middle[i].Kind == Kind.Char) i++;
            if (i - start > bestLength) { bestStart = start; bestLength = i - start; }
        }
        if (bestLength < 2) return null;
        var chars = new char[bestLength];
        for (int k = 0; k < bestLength; k++) chars[k] = middle[bestStart + k].Char;
        return new string(chars);
    }

    /// <summary>
    /// A bit for the first segment of <paramref name="text"/> (up to the second <c>/</c> for absolute paths, the first
    /// otherwise). A glob with a known first segment can only match texts with the same bit, so rules can be skipped with one AND.
    /// </summary>
    public static ulong SegmentBit(string text) => 1UL << (int)(FirstSegmentHash(text) & 63);

    /// <summary>The union of <see cref="SegmentBit"/> over what the globs can match; all ones if any glob's first segment is not literal.</summary>
    public static ulong SegmentBits(Glob[]? globs)
    {
        if (globs is null) return ulong.MaxValue;
        ulong bits = 0;
        foreach (var g in globs)
        {
            var literal = g._prefix;
            int end = SegmentEnd(literal);
            // The first segment is known only when the literal part reaches past it (or is the whole literal pattern).
            if (g._shape == Shape.Literal || end < literal.Length) bits |= SegmentBit(literal);
            else return ulong.MaxValue;
        }
        return bits;
    }

    private static int SegmentEnd(string text)
    {
        int from = text.StartsWith('/') ? 1 : 0;
        int slash = text.IndexOf('/', from);
        return slash < 0 ? text.Length : slash;
    }

    private static uint FirstSegmentHash(string text)
    {
        int end = SegmentEnd(text);
        uint h = 2166136261;
        for (int i = 0; i < end; i++) h = (h ^ text[i]) * 16777619;
        return h;
    }

    /// <summary>
    /// Bits of <see cref="TrigramBits"/> that every text this glob matches has: the trigrams of its literal prefix and
    /// suffix, of the literal run a general pattern requires, and of a leaf glob's own. 0 when nothing is known.
    /// A rule whose every target glob needs a bit no target of the action has cannot match (an exact prefilter).
    /// </summary>
    internal ulong LiteralBits
    {
        get
        {
            if (_shape == Shape.Literal) return TrigramBits(_prefix);
            var bits = TrigramBits(_prefix) | TrigramBits(_suffix);
            if (_shape == Shape.General && _required is not null) bits |= TrigramBits(_required);
            if (_shape == Shape.AnyDirectoryLeaf && _leaf is not null) bits |= _leaf.LiteralBits;
            return bits;
        }
    }

    /// <summary>One bit (of 64) per three-character window of <paramref name="text"/>; a substring's bits are a subset of the text's.</summary>
    internal static ulong TrigramBits(string text)
    {
        ulong bits = 0;
        for (var i = 0; i + 2 < text.Length; i++)
        {
            var h = ((uint)text[i] * 31 + text[i + 1]) * 31 + text[i + 2];
            bits |= 1UL << (int)((h ^ (h >> 7)) & 63);
        }
        return bits;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>This glob's slot in its policy's per-evaluation memo of target matches; -1 when it has none.</summary>
    internal int MemoIndex { get; set; } = -1;

    /// <summary><see cref="LiteralBits"/>, stored by the policy that uses this glob as a target glob (0: not checked).</summary>
    internal ulong NeedBits { get; set; }

    /// <summary>Whether the pattern has no wildcards, so matching is string equality.</summary>
    public bool IsLiteral => _shape == Shape.Literal;

    public override string ToString() => Pattern;

    /// <summary>Compiles <paramref name="pattern"/>, throwing <see cref="FormatException"/> when it is invalid.</summary>
    public static Glob Parse(string pattern)
    {
        if (TryParse(pattern, out var glob, out var error, out var offset)) return glob;
        throw new FormatException($"invalid glob '{pattern}' at offset {offset}: {error}");
    }

    /// <summary>Compiles <paramref name="pattern"/>; on failure says what is wrong and at which character offset.</summary>
    public static bool TryParse(
        string pattern,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Glob? glob,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error,
        out int errorOffset)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        glob = null;
        error = null;
        errorOffset = 0;
        if (pattern.Length == 0)
        {
            error = "empty pattern";
            return false;
        }
        if (pattern.Length > MaxPatternLength)
        {
            error = $"pattern is longer than {MaxPatternLength} characters";
            return false;
        }

        var tokens = new List<Token>(pattern.Length);
        var classes = new List<CharClass>();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        error = "dangling '\\' at the end; expected a character to escape";
                        errorOffset = i;
                        return false;
                    }
                    tokens.Add(new Token(Kind.Char, pattern[i + 1], 0));
                    i += 2;
                    break;
                case '*':
                    var run = 0;
                    while (i < pattern.Length && pattern[i] == '*')
                    {
                        run++;
                        i++;
                    }
                    tokens.Add(new Token(run >= 2 ? Kind.DoubleStar : Kind.Star, '\0', 0));
                    break;
                case '?':
                    tokens.Add(new Token(Kind.Any, '\0', 0));
                    i++;
                    break;
                case '[':
                    if (!TryParseClass(pattern, ref i, out var cls, out var classError, out errorOffset))
                    {
                        error = classError;
                        return false;
                    }
                    tokens.Add(new Token(Kind.Class, '\0', classes.Count));
                    classes.Add(cls);
                    break;
                default:
                    tokens.Add(new Token(Kind.Char, c, 0));
                    i++;
                    break;
            }
        }

        var head = 0;
        while (head < tokens.Count && tokens[head].Kind == Kind.Char) head++;
        if (head == tokens.Count)
        {
            glob = new Glob(pattern, Shape.Literal, Literal(tokens, 0, tokens.Count), "", [], []);
            return true;
        }
        var tail = tokens.Count;
        while (tail > head && tokens[tail - 1].Kind == Kind.Char) tail--;
        var prefix = Literal(tokens, 0, head);
        var suffix = Literal(tokens, tail, tokens.Count);
        var middle = tokens.GetRange(head, tail - head).ToArray();
        var shape = middle.Length == 1 && middle[0].Kind == Kind.Star ? Shape.PrefixStarSuffix
            : middle.Length == 1 && middle[0].Kind == Kind.DoubleStar ? Shape.PrefixDoubleStarSuffix
            : Shape.General;

        // prefix**/leaf where leaf cannot span '/': only the last path segment needs the leaf's matcher.
        Glob? leaf = null;
        if (shape == Shape.General && head + 1 < tokens.Count && tokens[head].Kind == Kind.DoubleStar
            && tokens[head + 1] is { Kind: Kind.Char, Char: '/' }
            && !tokens.Skip(head + 2).Any(t => t.Kind == Kind.DoubleStar || t is { Kind: Kind.Char, Char: '/' })
            && LeafStart(pattern) is int leafStart && leafStart < pattern.Length
            && TryParse(pattern[leafStart..], out var leafGlob, out _, out _))
        {
            shape = Shape.AnyDirectoryLeaf;
            leaf = leafGlob;
        }
        glob = new Glob(pattern, shape, prefix, shape == Shape.AnyDirectoryLeaf ? "" : suffix, middle, [.. classes]) { _leaf = leaf };
        return true;
    }

    private static string Literal(List<Token> tokens, int from, int to)
    {
        var chars = new char[to - from];
        for (var k = from; k < to; k++) chars[k - from] = tokens[k].Char;
        return new string(chars);
    }

    private static bool TryParseClass(string pattern, ref int i, out CharClass cls, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error, out int errorOffset)
    {
        var start = i;
        cls = null!;
        error = null;
        errorOffset = 0;
        i++; // '['
        var negated = false;
        if (i < pattern.Length && pattern[i] == '!')
        {
            negated = true;
            i++;
        }
        var ranges = new List<char>();
        var first = true;
        while (true)
        {
            if (i >= pattern.Length)
            {
                error = "unterminated '['; expected ']' to close the character class";
                errorOffset = start;
                return false;
            }
            var c = pattern[i];
            if (c == ']' && !first)
            {
                i++;
                break;
            }
            first = false;
            if (!TryClassChar(pattern, ref i, out var lo))
            {
                error = "dangling '\\' in a character class; expected a character to escape";
                errorOffset = i;
                return false;
            }
            var hi = lo;
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                var rangeAt = i;
                i++;
                if (!TryClassChar(pattern, ref i, out hi))
                {
                    error = "dangling '\\' in a character class; expected a character to escape";
                    errorOffset = i;
                    return false;
                }
                if (hi < lo)
                {
                    error = $"invalid range '{lo}-{hi}' in a character class; expected the low end first";
                    errorOffset = rangeAt;
                    return false;
                }
            }
            ranges.Add(lo);
            ranges.Add(hi);
        }
        cls = new CharClass([.. ranges], negated);
        return true;
    }

    /// <summary>The offset just after the first unescaped <c>**/</c>, or null.</summary>
    private static int? LeafStart(string pattern)
    {
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') { i++; continue; }
            if (pattern[i] != '*') continue;
            int j = i;
            while (j < pattern.Length && pattern[j] == '*') j++;
            return j < pattern.Length && pattern[j] == '/' ? j + 1 : null;
        }
        return null;
    }

    private static bool TryClassChar(string pattern, ref int i, out char c)
    {
        c = pattern[i];
        if (c != '\\')
        {
            i++;
            return true;
        }
        if (i + 1 >= pattern.Length) return false;
        c = pattern[i + 1];
        i += 2;
        return true;
    }

    /// <summary>Whether <paramref name="input"/> matches the whole pattern.</summary>
    public bool IsMatch(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long steps = 0;
        return Match(input, ref steps);
    }

    /// <summary>
    /// <see cref="IsMatch(string)"/> that also counts its work: characters compared plus NFA state visits. Tests bound
    /// it (linear in input × pattern) instead of timing the match.
    /// </summary>
    internal bool IsMatch(string input, out long steps)
    {
        ArgumentNullException.ThrowIfNull(input);
        steps = 0;
        return Match(input, ref steps);
    }

    private bool Match(ReadOnlySpan<char> input, ref long steps)
    {
        steps += input.Length;
        if (_shape == Shape.Literal) return input.SequenceEqual(_prefix);
        var fixedLength = _prefix.Length + _suffix.Length;
        if (input.Length < fixedLength
            || !input.StartsWith(_prefix, StringComparison.Ordinal)
            || !input.EndsWith(_suffix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = input.Slice(_prefix.Length, input.Length - fixedLength);
        return _shape switch
        {
            Shape.PrefixDoubleStarSuffix => true,
            Shape.PrefixStarSuffix => !rest.Contains('/'),
            Shape.AnyDirectoryLeaf => rest.LastIndexOf('/') is var slash and >= 0 && _leaf!.Match(rest[(slash + 1)..], ref steps),
            _ => (_required is null || rest.Contains(_required.AsSpan(), StringComparison.Ordinal)) && MatchMiddle(rest, ref steps),
        };
    }

    /// <summary>Thompson-style simulation over the middle tokens: linear in input × pattern, no backtracking blow-up.</summary>
    private bool MatchMiddle(ReadOnlySpan<char> text, ref long steps)
    {
        var m = _middle.Length;
        long work = 0;
        Span<bool> current = stackalloc bool[m + 1];
        Span<bool> next = stackalloc bool[m + 1];
        current[0] = true;
        work += Close(current);
        foreach (var c in text)
        {
            next.Clear();
            var any = false;
            for (var s = 0; s < m; s++)
            {
                work++;
                if (!current[s]) continue;
                var token = _middle[s];
                switch (token.Kind)
                {
                    case Kind.Char:
                        if (c == token.Char) any = next[s + 1] = true;
                        break;
                    case Kind.Any:
                        if (c != '/') any = next[s + 1] = true;
                        break;
                    case Kind.Class:
                        if (_classes[token.Class].Matches(c)) any = next[s + 1] = true;
                        break;
                    case Kind.Star:
                        if (c != '/') any = next[s] = true;
                        break;
                    default:
                        any = next[s] = true;
                        break;
                }
            }
            if (!any)
            {
                steps += work;
                return false;
            }
            work += Close(next);
            var swap = current;
            current = next;
            next = swap;
        }
        steps += work;
        return current[m];
    }

    /// <summary>
    /// Stars may match nothing: a live state before a star also makes the state after it live. Returns the states it
    /// visited, for the step count.
    /// </summary>
    private int Close(Span<bool> states)
    {
        for (var s = 0; s < _middle.Length; s++)
        {
            if (states[s] && _middle[s].Kind is Kind.Star or Kind.DoubleStar) states[s + 1] = true;
        }
        return _middle.Length;
    }
}
