namespace Interlock.Knowledge;

/// <summary>What a git configuration key or environment variable makes git do with its value.</summary>
internal enum GitSettingKind
{
    None,
    /// <summary>A shell command git runs (<c>core.pager</c>, <c>diff.x.textconv</c>, <c>GIT_SSH_COMMAND</c>).</summary>
    Command,
    /// <summary>
    /// The command that edits an interactive rebase's plan (<c>sequence.editor</c>, <c>GIT_SEQUENCE_EDITOR</c>): code git
    /// runs, and on a rebase the judge of which commits survive.
    /// </summary>
    SequenceEditor,
    /// <summary>A command only when the value starts with <c>!</c> (<c>alias.*</c>, <c>submodule.*.update</c>).</summary>
    BangCommand,
    /// <summary>A command, or a boolean that turns a built-in on or off (<c>core.fsmonitor</c>, <c>pager.*</c>).</summary>
    CommandOrBoolean,
    /// <summary>A credential helper: <c>!cmd</c>, a program path, or <c>git credential-NAME</c>.</summary>
    CredentialHelper,
    /// <summary>A directory of hooks or templates whose scripts git runs later.</summary>
    HooksDirectory,
    /// <summary>A configuration file read in, whose settings (which can run programs) are not visible here.</summary>
    ConfigFile,
    /// <summary>Where pushes (or fetches) go: <c>remote.*.url</c>, <c>remote.*.pushurl</c>.</summary>
    RemoteUrl,
    /// <summary>A push URL only: <c>remote.*.pushurl</c>, <c>url.*.pushInsteadOf</c>.</summary>
    PushUrl,
    /// <summary>A URL rewrite whose base may be an <c>ext::</c> command transport (<c>url.BASE.insteadOf</c>).</summary>
    UrlRewrite,
    /// <summary>The refspecs a plain <c>git push</c> uses (<c>remote.*.push</c>).</summary>
    PushRefspec,
    /// <summary>A boolean making every push a mirror push (<c>remote.*.mirror</c>).</summary>
    PushMirror,
    /// <summary>Which branches a plain <c>git push</c> sends (<c>push.default</c>): <c>matching</c> sends every one.</summary>
    PushDefault,
    /// <summary>Which transports are allowed: <c>always</c> for <c>ext</c> lets URLs run commands.</summary>
    ProtocolAllow,
    /// <summary>Where git finds its own subcommand programs (GIT_EXEC_PATH).</summary>
    ExecPath,
    /// <summary>The repository or work tree git acts on (GIT_DIR, GIT_WORK_TREE, core.worktree).</summary>
    RepositoryPath,
}

/// <summary>
/// The git settings that make git run programs or send work elsewhere: configuration keys (from <c>-c</c>,
/// <c>git config</c>, GIT_CONFIG_* variables) and environment variables. Keys are matched as git reads them:
/// section and variable name case-insensitively, the subsection (<c>diff.SUB.textconv</c>) as written.
/// </summary>
internal static class GitSettings
{
    // section.name for two-part keys, section.*.name for three-part ones (any subsection), section.* for any name.
    private static readonly Dictionary<string, GitSettingKind> Keys = new(StringComparer.Ordinal)
    {
        ["core.pager"] = GitSettingKind.Command,
        ["core.editor"] = GitSettingKind.Command,
        ["core.sshcommand"] = GitSettingKind.Command,
        ["core.gitproxy"] = GitSettingKind.Command,
        ["core.askpass"] = GitSettingKind.Command,
        ["core.alternaterefscommand"] = GitSettingKind.Command,
        ["core.fsmonitor"] = GitSettingKind.CommandOrBoolean,
        ["core.hookspath"] = GitSettingKind.HooksDirectory,
        ["core.worktree"] = GitSettingKind.RepositoryPath,
        ["init.templatedir"] = GitSettingKind.HooksDirectory,
        ["sequence.editor"] = GitSettingKind.SequenceEditor,
        ["diff.external"] = GitSettingKind.Command,
        ["diff.*.command"] = GitSettingKind.Command,
        ["diff.*.textconv"] = GitSettingKind.Command,
        ["filter.*.clean"] = GitSettingKind.Command,
        ["filter.*.smudge"] = GitSettingKind.Command,
        ["filter.*.process"] = GitSettingKind.Command,
        ["merge.*.driver"] = GitSettingKind.Command,
        ["difftool.*.cmd"] = GitSettingKind.Command,
        ["difftool.*.path"] = GitSettingKind.Command,
        ["mergetool.*.cmd"] = GitSettingKind.Command,
        ["mergetool.*.path"] = GitSettingKind.Command,
        ["pager.*"] = GitSettingKind.CommandOrBoolean,
        ["alias.*"] = GitSettingKind.BangCommand,
        ["submodule.*.update"] = GitSettingKind.BangCommand,
        ["credential.helper"] = GitSettingKind.CredentialHelper,
        ["credential.*.helper"] = GitSettingKind.CredentialHelper,
        ["gpg.program"] = GitSettingKind.Command,
        ["gpg.*.program"] = GitSettingKind.Command,
        ["gpg.ssh.defaultkeycommand"] = GitSettingKind.Command,
        ["remote.*.uploadpack"] = GitSettingKind.Command,
        ["remote.*.receivepack"] = GitSettingKind.Command,
        ["remote.*.proxy"] = GitSettingKind.None,
        ["remote.*.url"] = GitSettingKind.RemoteUrl,
        ["remote.*.pushurl"] = GitSettingKind.PushUrl,
        ["remote.*.push"] = GitSettingKind.PushRefspec,
        ["remote.*.mirror"] = GitSettingKind.PushMirror,
        ["push.default"] = GitSettingKind.PushDefault,
        ["url.*.insteadof"] = GitSettingKind.UrlRewrite,
        ["url.*.pushinsteadof"] = GitSettingKind.PushUrl,
        ["protocol.allow"] = GitSettingKind.ProtocolAllow,
        ["protocol.*.allow"] = GitSettingKind.ProtocolAllow,
        ["include.path"] = GitSettingKind.ConfigFile,
        ["includeif.*.path"] = GitSettingKind.ConfigFile,
        ["instaweb.httpd"] = GitSettingKind.Command,
        ["instaweb.browser"] = GitSettingKind.Command,
        ["web.browser"] = GitSettingKind.Command,
        ["browser.*.cmd"] = GitSettingKind.Command,
        ["browser.*.path"] = GitSettingKind.Command,
        ["man.*.cmd"] = GitSettingKind.Command,
        ["man.*.path"] = GitSettingKind.Command,
        ["sendemail.sendmailcmd"] = GitSettingKind.Command,
        ["sendemail.tocmd"] = GitSettingKind.Command,
        ["sendemail.cccmd"] = GitSettingKind.Command,
        ["sendemail.headercmd"] = GitSettingKind.Command,
        ["uploadpack.packobjectshook"] = GitSettingKind.Command,
        ["trailer.*.command"] = GitSettingKind.Command,
        ["trailer.*.cmd"] = GitSettingKind.Command,
        ["uploadarchive.allowunreachable"] = GitSettingKind.None,
    };

    /// <summary>Environment variables git (and the pager, editor and ssh it starts) reads a program or a path from.</summary>
    private static readonly Dictionary<string, GitSettingKind> Variables = new(StringComparer.Ordinal)
    {
        ["GIT_SSH"] = GitSettingKind.Command,
        ["GIT_SSH_COMMAND"] = GitSettingKind.Command,
        ["GIT_EDITOR"] = GitSettingKind.Command,
        ["GIT_SEQUENCE_EDITOR"] = GitSettingKind.SequenceEditor,
        ["EDITOR"] = GitSettingKind.Command,
        ["VISUAL"] = GitSettingKind.Command,
        ["GIT_PAGER"] = GitSettingKind.Command,
        ["PAGER"] = GitSettingKind.Command,
        ["GIT_EXTERNAL_DIFF"] = GitSettingKind.Command,
        ["GIT_ASKPASS"] = GitSettingKind.Command,
        ["SSH_ASKPASS"] = GitSettingKind.Command,
        ["GIT_PROXY_COMMAND"] = GitSettingKind.Command,
        ["GIT_EXEC_PATH"] = GitSettingKind.ExecPath,
        ["GIT_TEMPLATE_DIR"] = GitSettingKind.HooksDirectory,
        ["GIT_CONFIG_GLOBAL"] = GitSettingKind.ConfigFile,
        ["GIT_CONFIG_SYSTEM"] = GitSettingKind.ConfigFile,
        ["GIT_CONFIG"] = GitSettingKind.ConfigFile,
        ["GIT_ALLOW_PROTOCOL"] = GitSettingKind.ProtocolAllow,
        ["GIT_DIR"] = GitSettingKind.RepositoryPath,
        ["GIT_WORK_TREE"] = GitSettingKind.RepositoryPath,
    };

    /// <summary>What a configuration key does with its value; <see cref="GitSettingKind.None"/> for ordinary settings.</summary>
    public static GitSettingKind OfKey(string key)
    {
        int first = key.IndexOf('.', StringComparison.Ordinal);
        int last = key.LastIndexOf('.');
        if (first <= 0 || last == key.Length - 1) return GitSettingKind.None;
        var section = key[..first].ToLowerInvariant();
        var name = key[(last + 1)..].ToLowerInvariant();
        if (first == last)
        {
            if (Keys.TryGetValue(section + "." + name, out var two)) return two;
            return Keys.TryGetValue(section + ".*", out var any) ? any : GitSettingKind.None;
        }
        // gpg.ssh.program: a fixed subsection first, then any subsection.
        var sub = key[(first + 1)..last];
        if (Keys.TryGetValue(section + "." + sub.ToLowerInvariant() + "." + name, out var exact)) return exact;
        if (Keys.TryGetValue(section + ".*." + name, out var three)) return three;
        return section is "pager" or "alias" ? Keys[section + ".*"] : GitSettingKind.None;
    }

    /// <summary>The environment variables of <see cref="OfVariable"/>.</summary>
    public static IEnumerable<string> VariableNames => Variables.Keys;

    /// <summary>What git does with an environment variable's value; <see cref="GitSettingKind.None"/> for others.</summary>
    public static GitSettingKind OfVariable(string name) => Variables.TryGetValue(name, out var kind) ? kind : GitSettingKind.None;

    /// <summary>The subsection of a three-part key (<c>url.BASE.insteadOf</c> gives BASE), or null.</summary>
    public static string? Subsection(string key)
    {
        int first = key.IndexOf('.', StringComparison.Ordinal);
        int last = key.LastIndexOf('.');
        return first > 0 && last > first ? key[(first + 1)..last] : null;
    }

    /// <summary>Values git reads as "off" or "on" for a boolean setting.</summary>
    public static bool IsBoolean(string value) =>
        value.ToLowerInvariant() is "" or "true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0";

    /// <summary>Credential helpers git ships or that keep credentials in the system's protected store.</summary>
    public static bool IsKeychainHelper(string name) =>
        name is "cache" or "osxkeychain" or "libsecret" or "manager" or "manager-core" or "wincred" or "gnome-keyring" or "oauth" or "netrc";
}
