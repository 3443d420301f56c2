using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Shell;

namespace Interlock.Policy;

/// <summary>What of Interlock itself a deployment keeps from agents, beyond what every deployment protects.</summary>
public sealed record SelfProtectionOptions
{
    /// <summary>The port an Interlock gateway listens on unless told otherwise.</summary>
    public const int DefaultGatewayPort = 7070;

    /// <summary>Files and directories an agent may read but never change: policy files, the installation, installed hooks.</summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>Directories an agent may neither read nor change: data directories holding tokens, keys and stores.</summary>
    public IReadOnlyList<string> SecretPaths { get; init; } = [];

    /// <summary>Loopback ports where an Interlock gateway listens; only its agent endpoints are an agent's to call.</summary>
    public IReadOnlyList<int> GatewayPorts { get; init; } = [DefaultGatewayPort];

    /// <summary>The default gateway port and the ports of the given gateway URLs or listen addresses (port 0 and unparsable ones are skipped).</summary>
    public static IReadOnlyList<int> GatewayPortsOf(params IEnumerable<string?> urls)
    {
        var ports = new List<int> { DefaultGatewayPort };
        foreach (var url in urls)
            if (url is not null && Hosts.PortOf(url) is { } port && !ports.Contains(port)) ports.Add(port);
        return ports;
    }

    /// <summary>Nothing beyond the built-in set.</summary>
    public static SelfProtectionOptions Default { get; } = new();
}

/// <summary>
/// The built-in rule that the gate cannot be turned off by the agent it checks, applied in Decide on every entry point.
/// Protected whatever the configuration: each agent host's settings that install the hook (<c>.claude/settings*.json</c>,
/// <c>.gemini/settings.json</c>, <c>.cursor/hooks.json</c>, <c>.codex/config.toml</c>, system-wide managed settings),
/// the policy files the decision came from, <c>~/.interlock</c> and the default data directories
/// (<c>~/.local/share/interlock</c>, <c>~/.local/state/interlock</c>) of the requester's home. Changing (writing,
/// deleting, moving, linking, changing modes) any of them is denied; reading a data directory (tokens, signing keys,
/// stores) is denied; deleting or moving a directory that holds one of them is denied; calling a gateway's endpoints
/// other than an agent's own (<c>/v1/evaluate</c>, <c>/v1/plans</c>, <c>/v1/hooks/…</c>, results, withdrawals,
/// <c>/healthz</c>) on this machine is denied. Paths with wildcards are violations when they can match.
/// </summary>
public sealed class SelfProtection
{
    /// <summary>The rule name a self-protection denial carries in decisions and audit records.</summary>
    public const string Rule = "builtin:self-protection";

    /// <summary>Settings files that install an agent host's hook, as trailing path segments (a segment may hold <c>*</c>).</summary>
    private static readonly (string[] Segments, string What)[] HostSettings =
    [
        ([".claude", "settings*.json"], "Claude Code's settings (they install the Interlock hook)"),
        (["claude-code", "managed-settings.json"], "Claude Code's managed settings (they install the Interlock hook)"),
        ([".gemini", "settings.json"], "Gemini CLI's settings (they install the Interlock hook)"),
        (["gemini-cli", "settings.json"], "Gemini CLI's system settings (they install the Interlock hook)"),
        ([".cursor", "hooks.json"], "Cursor's hooks file (it installs the Interlock hook)"),
        ([".codex", "config.toml"], "Codex's configuration"),
    ];

    /// <summary>Directories that hold an agent host's settings: removing or moving one removes the hook with it.</summary>
    private static readonly string[] HostSettingDirectories = [".claude", ".gemini", ".cursor", ".codex"];

    /// <summary>Gateway paths an agent calls as an agent; every other path on a gateway port is for humans.</summary>
    private static readonly string[] AgentEndpoints = ["/v1/evaluate", "/v1/plans", "/v1/hooks/*", "/v1/actions/*/result", "/v1/approvals/*/withdraw", "/healthz"];

    private readonly string[] _protected;
    private readonly string[] _secret;
    private readonly int[] _ports;

    public SelfProtection(SelfProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _protected = Absolute(options.ProtectedPaths);
        _secret = Absolute(options.SecretPaths);
        _ports = [.. options.GatewayPorts.Distinct()];
    }

    /// <summary>The built-in protection alone.</summary>
    public static SelfProtection Default { get; } = new(SelfProtectionOptions.Default);

    private static string[] Absolute(IReadOnlyList<string> paths) =>
        [.. paths.Where(p => p.StartsWith('/')).Select(PathResolver.Normalize).Where(p => p != "/").Distinct(StringComparer.Ordinal)];

    /// <summary>Why the analyzed action would weaken or bypass the gate, or null; <paramref name="policyFiles"/> are the deciding policy's files (absolute, normalized).</summary>
    public List<string>? Violations(ActionFacts facts, IReadOnlyList<string> policyFiles)
    {
        ArgumentNullException.ThrowIfNull(facts);
        List<string>? hits = null;
        string[]? secrets = null;
        foreach (var op in facts.Operations)
        {
            if (op.PathTargets)
            {
                // The home-relative roots are built once per decision, and only for one that touches paths.
                secrets ??= SecretRoots(string.IsNullOrEmpty(facts.Request.Home) ? "/root" : PathResolver.Normalize(facts.Request.Home));
                bool toLast = op.Tags.Contains("move-to-last");
                for (int i = 0; i < op.Targets.Count; i++)
                    if (Describe(op, op.Targets[i], secrets, policyFiles, destination: toLast && i == op.Targets.Count - 1) is { } why)
                        (hits ??= []).Add($"self-protection: {op.Program}{(op.Verb is null ? "" : " " + op.Verb)} {why}; agents may not weaken the gate that checks them");
            }
            foreach (var url in op.Urls)
                if (GatewayCall(url) is { } endpoint)
                    (hits ??= []).Add($"self-protection: {op.Program} calls {endpoint} on this machine's Interlock gateway, which is for reviewers and administrators, not agents");
        }
        return hits;
    }

    private string? Describe(Operation op, string target, string[] secrets, IReadOnlyList<string> policyFiles, bool destination)
    {
        // A link to a file is a way to change it later (`ln -s ~/.claude/settings.json x; echo {} > x`), not a read.
        bool reads = op.Class is OperationClass.Read or OperationClass.CredentialRead or OperationClass.Exec or OperationClass.Egress && !op.Tags.Contains("link-source");
        // What takes a directory that holds the gate's files along: deleting it, moving it away (not moving something
        // into it: `mv notes.txt ~/`), or changing it recursively (`chmod -R 777 ~`).
        bool removes = op.Class is OperationClass.Delete or OperationClass.Destroy
            || (!destination && (op.Tags.Contains("move") || op.Tags.Contains("move-to-last")))
            || (op.Class != OperationClass.Create && op.Tags.Contains("recursive"));
        foreach (var secret in secrets)
        {
            var relation = Relate(target, secret);
            if (relation == PathRelation.Inside) return reads ? $"reads {target} in Interlock's data ({secret}: tokens, keys, audit)" : $"would change {target} in Interlock's data ({secret})";
            if (relation == PathRelation.Ancestor && removes) return $"would remove {target}, which holds Interlock's data ({secret})";
        }
        if (reads) return null;
        foreach (var roots in (ReadOnlySpan<IReadOnlyList<string>>)[_protected, policyFiles])
        {
            foreach (var root in roots)
            {
                var relation = Relate(target, root);
                if (relation == PathRelation.Inside) return $"would change {target}, Interlock's own files ({root})";
                if (relation == PathRelation.Ancestor && removes) return $"would remove {target}, which holds Interlock's own files ({root})";
            }
        }
        if (HostSetting(target) is { } what) return $"would change {target}, {what}";
        if (op.Class != OperationClass.Create && HostSettingDirectory(target) is { } dir)
            return destination ? $"would move files into {target}, the agent settings directory {dir}" : $"would change or remove {target}, the agent settings directory {dir}";
        return null;
    }

    private string[] SecretRoots(string home) =>
        [home + "/.interlock", home + "/.local/share/interlock", home + "/.local/state/interlock", .. _secret];

    private enum PathRelation { None, Inside, Ancestor }

    /// <summary>Whether <paramref name="target"/> (which may hold wildcards) can name <paramref name="root"/> or something below it, or an ancestor of it.</summary>
    private static PathRelation Relate(string target, string root)
    {
        int unknown = target.LastIndexOf(ShellArg.Unknown);
        if (unknown >= 0) return RelateTail(target[(unknown + 1)..], root);
        if (target.AsSpan().IndexOfAny("*?[") < 0)
        {
            if (PathResolver.IsUnder(target, root)) return PathRelation.Inside;
            return PathResolver.IsUnder(root, target) ? PathRelation.Ancestor : PathRelation.None;
        }
        // A bracket expression matches one character; as '?' it matches a superset, the safe side here.
        var pattern = BracketsAsAny(target).Split('/');
        var rootSegments = root.Split('/');
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == "**") return PathRelation.Inside;
            if (i == rootSegments.Length) return PathRelation.Inside;
            if (!SegmentMatch(pattern[i], rootSegments[i])) return PathRelation.None;
        }
        return pattern.Length >= rootSegments.Length ? PathRelation.Inside : PathRelation.Ancestor;
    }

    /// <summary>
    /// A path known only from some segment on (<c>$(whoami)/.local/share/interlock/admin.token</c>): inside
    /// <paramref name="root"/> when its known tail starts with the root's last segments.
    /// </summary>
    private static PathRelation RelateTail(string tail, string root)
    {
        int slash = tail.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return PathRelation.None;
        var known = PathResolver.Normalize(tail[slash..]);
        var rootSegments = root.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int k = rootSegments.Length; k >= 1; k--)
        {
            var suffix = "/" + string.Join('/', rootSegments[^k..]);
            if (PathResolver.IsUnder(known, suffix)) return PathRelation.Inside;
        }
        return PathRelation.None;
    }

    private static string? HostSetting(string target)
    {
        var segments = BracketsAsAny(target).Split('/');
        foreach (var (tail, what) in HostSettings)
        {
            if (segments.Length < tail.Length) continue;
            bool match = true;
            for (int i = 0; i < tail.Length && match; i++)
            {
                var seg = segments[segments.Length - tail.Length + i];
                // Either side may hold the wildcard: the table's `settings*.json`, or the agent's `.cl*/set*`.
                match = seg == "**" || Wildcard.Match(tail[i], seg) || SegmentMatch(seg, tail[i].Replace("*", "", StringComparison.Ordinal));
            }
            if (match) return what;
        }
        return null;
    }

    private static string? HostSettingDirectory(string target)
    {
        var last = BracketsAsAny(target)[(target.LastIndexOf('/') + 1)..];
        foreach (var dir in HostSettingDirectories)
            if (last == dir || (last.AsSpan().IndexOfAny("*?") >= 0 && SegmentMatch(last, dir))) return dir;
        return null;
    }

    /// <summary>A shell glob segment against a name: as in the shell, a wildcard does not match a leading dot.</summary>
    private static bool SegmentMatch(string pattern, string name) =>
        (name.Length == 0 || name[0] != '.' || (pattern.Length > 0 && pattern[0] == '.')) && Wildcard.Match(pattern, name);

    private static string BracketsAsAny(string text)
    {
        if (!text.Contains('[', StringComparison.Ordinal)) return text;
        var sb = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            int close = text[i] == '[' ? text.IndexOf(']', i + 1) : -1;
            if (close > i) { sb.Append('?'); i = close; }
            else sb.Append(text[i]);
        }
        return sb.ToString();
    }

    /// <summary>
    /// This machine, read the way the resolver reads it: unlike <see cref="Hosts.IsLocal"/> (strict, because being local
    /// lowers risk) this takes <c>127.1</c>, <c>2130706433</c> and <c>0x7f000001</c>, because here being local raises it.
    /// </summary>
    private static bool IsThisMachine(string host)
    {
        if (Hosts.IsLocal(host)) return true;
        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && uint.TryParse(address.AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var hex))
            return (hex >> 24) == 127;
        return System.Net.IPAddress.TryParse(address, out var ip) && (System.Net.IPAddress.IsLoopback(ip) || ip.Equals(System.Net.IPAddress.Any));
    }

    /// <summary>The gateway path a URL calls when it is a gateway on this machine and not an agent endpoint; else null.</summary>
    private string? GatewayCall(string url)
    {
        if (_ports.Length == 0) return null;
        var host = Hosts.Of(url);
        if (!IsThisMachine(host)) return null;
        var path = Hosts.PathOf(url);
        var port = Hosts.PortOf(url);
        // A port computed at run time (`$((7000+70))`) may be the gateway's: a gateway API path on it is treated as one.
        bool unknownPort = port is null && url.Contains(ShellArg.Unknown, StringComparison.Ordinal);
        if (unknownPort ? !path.StartsWith("/v1/", StringComparison.Ordinal) : port is null || Array.IndexOf(_ports, port.Value) < 0) return null;
        foreach (var allowed in AgentEndpoints)
            if (Wildcard.Match(allowed, path) && !path.Contains("..", StringComparison.Ordinal) && !path.Contains("%", StringComparison.Ordinal)) return null;
        return path.Length == 0 ? "/" : path;
    }
}
