namespace Interlock.Shell;

/// <summary>Shell variables known while analyzing one command line; a null value means "set, but unknown".</summary>
internal sealed class VariableScope
{
    private const string DefaultIfs = " \t\n";

    /// <summary>The usual search path, so <c>PATH=.:$PATH</c> stays known and a program's lookup can be followed.</summary>
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly string _accountHome;
    private readonly string _cwd;
    private readonly string _user;

    /// <summary>Assignments made by the command line; most commands make none, so it is created on the first.</summary>
    private Dictionary<string, string?>? _assigned;

    public VariableScope(string home, string cwd)
    {
        _accountHome = home;
        _cwd = cwd;
        _user = home.EndsWith("/root", StringComparison.Ordinal) ? "root" : home[(home.LastIndexOf('/') + 1)..];
    }

    private VariableScope(VariableScope parent)
    {
        _accountHome = parent._accountHome;
        _cwd = parent._cwd;
        _user = parent._user;
        if (parent._assigned is { } assigned) _assigned = new(assigned, StringComparer.Ordinal);
        if (parent._sources is { } sources) _sources = new(sources, StringComparer.Ordinal);
    }

    /// <summary>A copy for a subshell or substitution: its assignments don't leak out.</summary>
    public VariableScope Fork() => new(this);

    /// <summary>Variables whose unknown value came from decoded, fetched or secret text: words that use them carry that source.</summary>
    private Dictionary<string, StreamKind>? _sources;

    public void Set(string name, string? value, StreamKind source = StreamKind.None)
    {
        (_assigned ??= new(StringComparer.Ordinal))[name] = value;
        if (source is not StreamKind.None) (_sources ??= new(StringComparer.Ordinal))[name] = source;
        else _sources?.Remove(name);
    }

    /// <summary>Where the variable's value came from, when that was decoded, fetched or secret text.</summary>
    public StreamKind SourceOf(string name) => _sources is not null && _sources.TryGetValue(name, out var source) ? source : StreamKind.None;

    /// <summary>True with the value when known; false when unset or unknown (<c>OLDPWD</c>, say: set, but not to anything known).</summary>
    public bool TryGet(string name, out string? value)
    {
        if (_assigned is not null && _assigned.TryGetValue(name, out value)) return value is not null;
        value = name switch
        {
            "HOME" => _accountHome,
            "PWD" => _cwd,
            "IFS" => DefaultIfs,
            "PATH" => DefaultPath,
            "SHELL" => "/bin/bash",
            "USER" => _user,
            _ => null,
        };
        return value is not null;
    }

    /// <summary>Whether the command line assigned <paramref name="name"/> (to a known or an unknown value).</summary>
    public bool IsAssigned(string name) => _assigned is not null && _assigned.ContainsKey(name);

    /// <summary>The account's own home, whatever HOME was set to.</summary>
    public string AccountHome => _accountHome;

    /// <summary>What <c>~</c> expands to: <c>$HOME</c>, or the account's home when HOME is unset, empty or unknown (as bash does).</summary>
    public string Home => _assigned is not null && _assigned.TryGetValue("HOME", out var home) && !string.IsNullOrEmpty(home) ? home : _accountHome;
}
