namespace Interlock.Cli.Local;

/// <summary>The one place the CLI resolves the user's home and Interlock's directories from the environment.</summary>
internal static class UserPaths
{
    /// <summary><c>$HOME</c> when it is an absolute path, else the account's profile directory, else <c>/root</c>.</summary>
    public static string Home()
    {
        if (Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h && h.StartsWith('/')) return h;
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return profile.StartsWith('/') ? profile : "/root";
    }

    /// <summary>
    /// Where the offline entry points (hook, exec, mcp-proxy) keep their audit log and recordings:
    /// <c>$XDG_STATE_HOME/interlock</c>, else <c>~/.local/state/interlock</c>.
    /// </summary>
    public static string OfflineData()
    {
        if (Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg && xdg.StartsWith('/')) return Path.Combine(xdg, "interlock");
        return Path.Combine(Home(), ".local", "state", "interlock");
    }

    /// <summary>The gateway's data directory: <c>$INTERLOCK_DATA</c>, else <c>$XDG_DATA_HOME/interlock</c>, else <c>~/.local/share/interlock</c>.</summary>
    public static string GatewayData()
    {
        if (Environment.GetEnvironmentVariable("INTERLOCK_DATA") is { Length: > 0 } data) return data;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(xdg is { Length: > 0 } && xdg.StartsWith('/') ? xdg : Path.Combine(Home(), ".local", "share"), "interlock");
    }
}
