namespace Interlock.Shell;

/// <summary>Shell variables known while analyzing one command line; a null value means "set, but unknown".</summary>
internal sealed class VariableScope
{
    private readonly Dictionary<string, string?> _values;

    private readonly string _accountHome;

    public VariableScope(string home, string cwd)
    {
        _accountHome = home;
        _values = new(StringComparer.Ordinal) { ["HOME"] = home, ["PWD"] = cwd, ["IFS"] = " \t\n" };
    }

    private VariableScope(Dictionary<string, string?> values, string accountHome)
    {
        _values = new(values, StringComparer.Ordinal);
        _accountHome = accountHome;
    }

    /// <summary>A copy for a subshell or substitution: its assignments don't leak out.</summary>
    public VariableScope Fork() => new(_values, _accountHome);

    public void Set(string name, string? value) => _values[name] = value;

    /// <summary>True with the value when known; false when unset or unknown.</summary>
    public bool TryGet(string name, out string? value) => _values.TryGetValue(name, out value) && value is not null;

    /// <summary>What <c>~</c> expands to: <c>$HOME</c>, or the account's home when HOME is unset, empty or unknown (as bash does).</summary>
    public string Home => _values.TryGetValue("HOME", out var home) && !string.IsNullOrEmpty(home) ? home : _accountHome;
}
