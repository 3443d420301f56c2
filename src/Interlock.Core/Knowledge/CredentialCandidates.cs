using System.Collections.Frozen;

namespace Interlock.Knowledge;

/// <summary>The concrete credential files under one home and on the system, indexed by the directories that hold them.</summary>
/// <remarks>
/// A glob's literal directory (<c>/home/dev/project</c> in <c>/home/dev/project/**/*.rs</c>) must equal the first segments of
/// any file it matches, and a glob matches only paths of its own segment count, so the files a glob can match are the
/// ones listed under that directory with that count: a lookup instead of a match against every credential location.
/// Lists keep the tables' order, so the first match (and so the answer's wording) is the one a scan of all candidates finds.
/// </remarks>
internal sealed class CredentialCandidates
{
    /// <summary>One credential file: its path and its segments.</summary>
    internal readonly record struct Candidate(string Path, string[] Parts);

    private static readonly Candidate[][] NoBuckets = [];

    /// <summary>Per directory prefix (<c>""</c> for the root's children, <c>/home</c>, <c>/home/dev</c>, …), the candidates below it by segment count.</summary>
    private readonly FrozenDictionary<string, Candidate[][]>.AlternateLookup<ReadOnlySpan<char>> _below;

    private readonly Candidate[][] _allByCount;

    public CredentialCandidates(IEnumerable<string> paths)
    {
        All = paths.Select(p => new Candidate(p, p.Split('/'))).ToArray();
        _allByCount = ByCount(All);
        var below = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        foreach (var c in All)
        {
            for (int slash = c.Path.IndexOf('/'); slash >= 0; slash = c.Path.IndexOf('/', slash + 1))
            {
                var dir = c.Path[..slash];
                if (!below.TryGetValue(dir, out var list)) below[dir] = list = [];
                list.Add(c);
            }
        }
        _below = below.ToFrozenDictionary(kv => kv.Key, kv => ByCount(kv.Value), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Every candidate, in the order the credential tables list them.</summary>
    public Candidate[] All { get; }

    private static Candidate[][] ByCount(IReadOnlyCollection<Candidate> candidates)
    {
        var buckets = new Candidate[candidates.Max(c => c.Parts.Length) + 1][];
        for (int n = 0; n < buckets.Length; n++) buckets[n] = candidates.Where(c => c.Parts.Length == n).ToArray();
        return buckets;
    }

    /// <summary>
    /// The candidates that <paramref name="segments"/> (the segments of <paramref name="pattern"/>) can match, in table order,
    /// and how many leading segments they share with the pattern already (its literal directory, never its last segment).
    /// </summary>
    public ReadOnlySpan<Candidate> For(string pattern, string[] segments, out int sharedSegments)
    {
        int literal = 0;
        while (literal < segments.Length - 1 && segments[literal].AsSpan().IndexOfAny("*?") < 0) literal++;
        var buckets = _allByCount;
        if (literal > 0)
        {
            // The pattern's first `literal` segments, as written: its text up to the slash that ends them.
            int end = -1;
            for (int i = 0; i < literal; i++) end = pattern.IndexOf('/', end + 1);
            buckets = _below.TryGetValue(pattern.AsSpan(0, end), out var b) ? b : NoBuckets;
        }
        sharedSegments = literal;
        return segments.Length < buckets.Length ? buckets[segments.Length] : [];
    }
}
