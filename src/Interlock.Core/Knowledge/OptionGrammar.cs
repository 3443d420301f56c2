using System.Collections.Frozen;

namespace Interlock.Knowledge;

/// <summary>
/// The options a program knows, for a strict grammar's check: which option a word names and whether the program knows it.
/// Built once per program; a check is a frozen-set lookup (and a bit test per letter of a short cluster), allocating
/// only to name an unknown option.
/// </summary>
internal sealed class OptionGrammar
{
    private readonly FrozenSet<string> _known;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _knownSpan;
    private readonly UInt128 _shortFlags;
    private readonly UInt128 _shortValued;
    private readonly bool _clusters;

    public OptionGrammar(ProgramSpec spec)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        UInt128 shortFlags = 0, shortValued = 0;
        void Add(string name, bool valued)
        {
            // A row's condition may name a value (--dry-run=client); the option is the part before it.
            var eq = name.Length > 1 ? name.IndexOf('=', 1) : -1;
            if (eq > 0) name = name[..eq];
            known.Add(name);
            if (name.Length == 2 && name[0] == '-' && name[1] is not '-' and < (char)128)
            {
                if (valued) shortValued |= UInt128.One << name[1];
                else shortFlags |= UInt128.One << name[1];
            }
        }
        foreach (var f in spec.FlagSet) Add(f, false);
        foreach (var f in spec.ExecOptionSet) Add(f, false);
        foreach (var v in spec.ValueOptionSet) Add(v, true);
        foreach (var v in spec.PairOptionSet) Add(v, true);
        foreach (var row in spec.Rows)
        {
            foreach (var f in Split(row.AnyFlag)) Add(f, false);
            foreach (var f in Split(row.NoFlag)) Add(f, false);
            foreach (var v in Split(row.TargetOptions)) Add(v, true);
            foreach (var v in Split(row.OutputOptions)) Add(v, true);
        }
        _known = known.ToFrozenSet(StringComparer.Ordinal);
        _knownSpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
        _clusters = spec.ShortFlagClusters;
        _shortFlags = shortFlags;
        _shortValued = shortValued;

        static string[] Split(string? options) => options?.Split('|', StringSplitOptions.RemoveEmptyEntries) ?? [];
    }

    /// <summary>Null when the program knows the option word <paramref name="word"/> (<c>--opt</c>, <c>--opt=v</c>, <c>-xVALUE</c>, <c>-abc</c>); else the option it does not know.</summary>
    public string? Unknown(string word)
    {
        if (_known.Contains(word)) return null;
        var s = word.AsSpan();
        var eq = s.IndexOf('=');
        if (eq > 1 && _knownSpan.Contains(s[..eq])) return null;
        if (!_clusters || s.Length < 2 || s[1] == '-') return eq > 1 ? word[..eq] : word;
        // A short cluster: each letter a flag, until a letter that takes a value takes the rest of the word.
        for (int j = 1; j < s.Length; j++)
        {
            var c = s[j];
            if (c >= 128) return word;
            var bit = UInt128.One << c;
            if ((_shortValued & bit) != 0) return null;
            if ((_shortFlags & bit) == 0) return j == 1 && s.Length == 2 ? word : "-" + c;
        }
        return null;
    }
}
