using System.Collections.Frozen;
using Interlock.Shell;

namespace Interlock.Knowledge;

/// <summary>Where credentials live: files whose contents must never reach an agent.</summary>
public static class CredentialPaths
{
    // Relative to HOME. A trailing '/' means everything below that directory.
    private static readonly string[] HomeFiles =
    [
        ".aws/credentials", ".aws/sso/cache/", ".aws/cli/cache/", ".netrc", ".pgpass", ".my.cnf", ".docker/config.json", ".kube/config",
        ".config/gcloud/credentials.db", ".config/gcloud/access_tokens.db", ".config/gcloud/application_default_credentials.json", ".config/gcloud/legacy_credentials/",
        ".azure/accessTokens.json", ".azure/msal_token_cache.json", ".azure/msal_token_cache.bin", ".azure/service_principal_entries.json",
        ".gnupg/private-keys-v1.d/", ".gnupg/secring.gpg", ".git-credentials", ".config/git/credentials", ".npmrc", ".pypirc", ".gem/credentials",
        ".config/gh/hosts.yml", ".terraform.d/credentials.tfrc.json", ".vault-token", ".cargo/credentials", ".cargo/credentials.toml",
        ".config/hub", ".nuget/NuGet/NuGet.Config", ".m2/settings.xml", ".gradle/gradle.properties", ".composer/auth.json",
        ".password-store/", ".local/share/keyrings/", ".config/op/", ".ssh/agent", ".bash_history", ".zsh_history", ".psql_history", ".mysql_history",
        // Agent hosts' own sign-ins: an agent reading them takes over the account it runs under.
        ".claude/.credentials.json", ".codex/auth.json", ".gemini/oauth_creds.json", ".gemini/google_accounts.json", ".config/github-copilot/",
        ".cursor/auth.json",
        // Cloud, storage and deploy tools' tokens and keys.
        ".config/rclone/rclone.conf", ".s3cfg", ".boto", ".config/sops/age/keys.txt", ".config/age/", ".sops/", ".config/doctl/config.yaml",
        ".local/share/com.vercel.cli/auth.json", "Library/Application Support/com.vercel.cli/auth.json", ".vercel/auth.json",
        ".wrangler/config/", ".config/.wrangler/config/", ".config/netlify/config.json", ".netlify/config.json", ".terraformrc",
        ".pulumi/credentials.json", ".fly/config.yml", ".config/flyctl/config.yml", ".kaggle/kaggle.json", ".huggingface/token",
        ".cache/huggingface/token", ".databrickscfg", ".snowsql/config", ".oci/config", ".mc/config.json", ".config/containers/auth.json",
        ".config/glab-cli/config.yml", ".config/stripe/config.toml", ".circleci/cli.yml", ".config/ngrok/ngrok.yml", ".ngrok2/ngrok.yml",
        ".config/heroku/", ".config/configstore/firebase-tools.json", ".config/hcloud/cli.toml", ".config/linode-cli", ".config/scw/config.yaml",
        ".ansible/vault_pass", ".vault_pass", ".ansible-vault-pass",
        ".local/share/atuin/", ".histfile", ".node_repl_history", ".python_history", ".sqlite_history", ".rediscli_history",
    ];

    // Browser password and cookie stores and keychains, relative to HOME; '*' matches one path segment.
    private static readonly string[] HomeGlobs =
    [
        ".mozilla/firefox/*/logins.json", ".mozilla/firefox/*/key4.db", ".mozilla/firefox/*/cookies.sqlite",
        "Library/Application Support/Google/Chrome/*/Login Data", "Library/Application Support/Google/Chrome/*/Cookies",
        "Library/Application Support/Firefox/Profiles/*/logins.json", "Library/Application Support/Firefox/Profiles/*/key4.db",
        "Library/Application Support/BraveSoftware/Brave-Browser/*/Login Data", "Library/Application Support/Microsoft Edge/*/Login Data",
        ".config/google-chrome/*/Login Data", ".config/google-chrome/*/Cookies", ".config/chromium/*/Login Data", ".config/chromium/*/Cookies",
        "Library/Keychains/*", "Library/Cookies/*", ".local/share/keyrings/*",
    ];

    // Whole directories that hold credentials: reading them recursively (tar, cp -r, zip -r) is a credential read.
    private static readonly string[] HomeDirectories = [".ssh", ".aws", ".gnupg", ".kube", ".docker", ".config/gcloud", ".azure", ".password-store"];

    private static readonly string[] AbsoluteFiles =
    [
        "/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d/", "/etc/ssl/private/", "/etc/ssh/ssh_host_",
        "/var/run/secrets/", "/run/secrets/", "/root/.ssh/", "/root/.aws/", "/etc/kubernetes/admin.conf", "/etc/kubernetes/pki/", "/etc/rancher/k3s/k3s.yaml",
        "/etc/mysql/debian.cnf", "/etc/letsencrypt/live/", "/etc/letsencrypt/archive/",
        "/var/lib/docker/containers/", "/etc/pki/tls/private/", "/etc/ipsec.secrets", "/etc/wireguard/", "/etc/NetworkManager/system-connections/",
    ];

    // A recursive read of a directory that holds a credential location (~/.config holds ~/.config/gh/hosts.yml, /etc holds
    // /etc/shadow, / holds everything) reads the credentials too. Relative to HOME, then absolute.
    private static readonly FrozenSet<string> HomeAncestors = Ancestors(
        HomeFiles.Concat(HomeDirectories).Concat(HomeGlobs.Select(g => g[..Math.Max(0, g.IndexOf('*', StringComparison.Ordinal))])), relative: true);

    private static readonly FrozenSet<string> AbsoluteAncestors = Ancestors(AbsoluteFiles, relative: false);

    private static FrozenSet<string> Ancestors(IEnumerable<string> entries, bool relative)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var e = entry.TrimEnd('/');
            for (int slash = e.LastIndexOf('/'); slash > 0; slash = e.LastIndexOf('/', slash - 1))
                set.Add(e[..slash]);
            if (relative && e.Length > 0) set.Add(e);
        }
        if (!relative) set.Add("/");
        return set.ToFrozenSet(StringComparer.Ordinal);
    }

    private static readonly string[] SafeEnvSuffixes = [".example", ".sample", ".template", ".dist", ".defaults", ".schema", ".test.example"];

    private static readonly string[][] HomeGlobSegments = HomeGlobs.Select(g => g.Split('/')).ToArray();

    /// <summary>Why <paramref name="path"/> (absolute, normalized) holds credentials, or null when it does not.</summary>
    public static string? Describe(string path, string home, bool recursive = false)
    {
        // Called for every path an action reads: it allocates only for the answer.
        // A part only known at run time (`/proc/$PPID/environ`, `$XDG_CONFIG_HOME/gh/hosts.yml`) can be any name: as a wildcard.
        if (path.Contains(ShellArg.Unknown)) path = path.Replace(ShellArg.Unknown, '*');
        if (path.AsSpan().IndexOfAny("*?[") < 0) return DescribeFile(path, home, recursive);
        // `**` (globstar, find's scope) is any depth: tried here as none and as one directory.
        int deep = path.IndexOf("/**/", StringComparison.Ordinal);
        if (deep >= 0)
            return DescribeGlob(path, home, recursive) ?? Describe(path.Remove(deep, 3), home, recursive) ?? Describe(path.Remove(deep + 1, 1), home, recursive);
        return DescribeGlob(path, home, recursive);
    }

    /// <summary><see cref="Describe"/> for one file: wildcard characters in <paramref name="path"/> are taken literally.</summary>
    private static string? DescribeFile(string path, string home, bool recursive)
    {
        var homeRoot = home.AsSpan().TrimEnd('/');
        bool underHome = IsBelow(path, homeRoot);
        // Another account's home (`~root/.bash_history`, /home/ops/.aws/credentials) keeps its credentials in the same files.
        var accountRoot = underHome ? homeRoot : OtherHome(path);
        if (accountRoot.Length > 0)
        {
            var rel = path.AsSpan(accountRoot.Length + 1);
            var shown = underHome ? "~" : accountRoot.ToString();
            if (MatchesAny(rel, HomeFiles)) return $"{shown}/{rel} holds credentials";
            foreach (var g in HomeGlobSegments)
                if (ShellGlobMatch(g, rel)) return $"{shown}/{rel} is a browser or keychain credential store";
            if (rel.StartsWith(".ssh/") && (IsPrivateKeyName(rel[5..]) || IsUnlistedSshFile(rel[5..]))) return $"{shown}/{rel} is an SSH private key";
            if (recursive)
            {
                foreach (var dir in HomeDirectories)
                    if (rel.SequenceEqual(dir) || IsBelow(rel, dir)) return $"{shown}/{rel} holds credentials";
                if (HomeAncestors.GetAlternateLookup<ReadOnlySpan<char>>().Contains(rel.TrimEnd('/'))) return $"{shown}/{rel} holds credential files";
            }
        }
        else if (recursive && (path.AsSpan().TrimEnd('/').SequenceEqual(homeRoot) || IsBelow(homeRoot, path.AsSpan().TrimEnd('/')) || path == "/"))
        {
            return path.AsSpan().TrimEnd('/').SequenceEqual(homeRoot) ? "the home directory holds credentials" : $"{path} holds home directories and their credentials";
        }
        else if (recursive && AbsoluteAncestors.GetAlternateLookup<ReadOnlySpan<char>>().Contains(path.AsSpan().TrimEnd('/')))
        {
            return $"{path} holds system credential files";
        }
        if (MatchesAny(path, AbsoluteFiles)) return $"{path} holds credentials";
        if (path.StartsWith("/proc/", StringComparison.Ordinal) && path.EndsWith("/environ", StringComparison.Ordinal)) return $"{path} holds a process's secrets";

        var name = path.AsSpan(path.LastIndexOf('/') + 1);
        if (IsEnvFile(name)) return $"{name} holds environment secrets";
        if (IsPrivateKeyName(name) && !(underHome && path.AsSpan(homeRoot.Length + 1).StartsWith(".ssh/"))) return $"{name} is a private key";
        return null;
    }

    /// <summary>The home directory of another account that <paramref name="path"/> lies below (/root, /home/NAME, /Users/NAME), or empty.</summary>
    private static ReadOnlySpan<char> OtherHome(string path)
    {
        if (path.StartsWith("/root/", StringComparison.Ordinal)) return "/root";
        int prefix = path.StartsWith("/home/", StringComparison.Ordinal) ? 6 : path.StartsWith("/Users/", StringComparison.Ordinal) ? 7 : 0;
        if (prefix == 0) return [];
        int end = path.IndexOf('/', prefix);
        return end > prefix ? path.AsSpan(0, end) : [];
    }

    /// <summary>Whether <paramref name="path"/> lies strictly below the directory <paramref name="dir"/> (no trailing slash).</summary>
    private static bool IsBelow(ReadOnlySpan<char> path, ReadOnlySpan<char> dir) =>
        path.Length > dir.Length && path.StartsWith(dir) && path[dir.Length] == '/';

    private static readonly string[] KeyNames = ["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "id_ed25519_sk", "id_ecdsa_sk"];
    private static readonly string[] EnvNames = [".env", ".env.local", ".env.production", ".env.development", ".env.prod"];
    private static readonly string[] LooseSecretNames = [.. EnvNames, .. KeyNames];

    /// <summary>A glob (<c>~/.aws/cred*</c>, <c>~/.ssh/*</c>) is a credential read when it can match a credential file.</summary>
    private static string? DescribeGlob(string written, string home, bool recursive)
    {
        // A bracket expression matches one character: as '?' it matches a superset, which is the safe side here
        // (`~/.ssh/[i]d_rsa` is id_rsa).
        var pattern = BracketsAsAnyCharacter(written);
        int slash = pattern.LastIndexOf('/');
        var leaf = pattern.AsSpan(slash + 1);
        if (LeafIsPrivateKey(leaf)) return $"{written} matches private key files";
        var patternSegments = pattern.Split('/');
        if (patternSegments.Length == 4 && patternSegments[0].Length == 0 && patternSegments[1] == "proc" && Wildcard.Match(patternSegments[3], "environ"))
            return $"{written} can match a process's environment, which holds its secrets";
        if (BelowCredentialDirectory(pattern, patternSegments, home) is { } below) return $"{written} is below {below}, which holds credentials";
        if (patternSegments[0].Length > 0 && TailOfCredential(patternSegments, home) is { } tail)
            return $"{written} can end in {tail}, which holds credentials";
        var homeRoot = home.AsSpan().TrimEnd('/');
        if (IsBelow(pattern, homeRoot))
        {
            // The pattern's segments below the home: its own segments after the home's.
            int offset = homeRoot.Count('/') + 1;
            for (int g = 0; g < HomeGlobSegments.Length; g++)
            {
                var gs = HomeGlobSegments[g];
                if (gs.Length != patternSegments.Length - offset) continue;
                bool overlap = true;
                for (int i = 0; i < gs.Length && overlap; i++)
                    overlap = gs[i] == "*" || Wildcard.Match(patternSegments[offset + i], gs[i]);
                if (overlap) return $"{written} can match ~/{HomeGlobs[g]}, a browser or keychain credential store";
            }
        }
        foreach (var (candidate, parts) in CandidatesFor(home).For(pattern, patternSegments, out int shared))
        {
            if (SegmentsMatch(patternSegments, parts, shared) && DescribeFile(candidate, home, recursive) is { } why)
                return $"{written} can match {candidate[(candidate.LastIndexOf('/') + 1)..]}: {why}";
        }
        // Secrets that live in any directory: .env files and SSH keys beside the pattern.
        // A leaf of wildcards alone (`dist/*`) says nothing about keys: only ~/.ssh and the listed stores are assumed to hold one.
        bool bareLeaf = leaf.IndexOfAnyExcept("*?") < 0;
        foreach (var name in LooseSecretNames)
        {
            if (bareLeaf && name.StartsWith("id_", StringComparison.Ordinal)) continue;
            if (!SegmentMatches(patternSegments[^1], name)) continue;
            // The directory keeps the pattern's own wildcards (`*/.env`): describing it as a file, not as a glob again,
            // is what ends the recursion.
            var candidate = (slash > 0 ? pattern[..slash] : "") + "/" + name;
            if (ShellGlobMatch(patternSegments, candidate) && DescribeFile(candidate, home, recursive) is { } why)
                return $"{written} can match {name}: {why}";
        }
        return null;
    }

    /// <summary>
    /// Everything below a credential directory (<c>~/.config/gcloud/legacy_credentials/*/adc.json</c>) is a credential: the
    /// directory a glob's wildcards start in, when that is inside one.
    /// </summary>
    private static string? BelowCredentialDirectory(string pattern, string[] segments, string home)
    {
        int literal = 0;
        while (literal < segments.Length && segments[literal].AsSpan().IndexOfAny("*?") < 0) literal++;
        if (literal == 0 || literal == segments.Length) return null;
        // The first `literal` segments as written: the pattern up to the slash that ends them.
        int end = -1;
        for (int i = 0; i < literal; i++) end = pattern.IndexOf('/', end + 1);
        var dir = pattern.AsSpan(0, end);
        var homeRoot = home.AsSpan().TrimEnd('/');
        if (IsBelow(dir, homeRoot))
        {
            var rel = dir[(homeRoot.Length + 1)..];
            foreach (var f in HomeDirectoryFiles)
                if (IsAtOrBelow(rel, f)) return "~/" + f;
        }
        foreach (var f in AbsoluteDirectoryFiles)
            if (IsAtOrBelow(dir, f)) return f;
        return null;
    }

    private static readonly string[] HomeDirectoryFiles = [.. HomeFiles.Where(f => f.EndsWith('/'))];
    private static readonly string[] AbsoluteDirectoryFiles = [.. AbsoluteFiles.Where(f => f.EndsWith('/'))];

    /// <summary>Whether <paramref name="path"/> is the directory <paramref name="dir"/> (written with a trailing '/') or below it.</summary>
    private static bool IsAtOrBelow(ReadOnlySpan<char> path, string dir) =>
        path.StartsWith(dir) || path.SequenceEqual(dir.AsSpan(0, dir.Length - 1));

    /// <summary>
    /// Whether a glob's leaf can name a private key: each '*' as a name (<c>private_key</c>), each '?' as one letter.
    /// </summary>
    private static bool LeafIsPrivateKey(ReadOnlySpan<char> leaf)
    {
        const string AnyName = "private_key";
        if (leaf.IndexOfAny('*', '?') < 0) return IsPrivateKeyName(leaf);
        int length = leaf.Length + leaf.Count('*') * (AnyName.Length - 1);
        Span<char> filled = length <= 256 ? stackalloc char[length] : new char[length];
        int n = 0;
        foreach (var ch in leaf)
        {
            if (ch == '*') { AnyName.CopyTo(filled[n..]); n += AnyName.Length; }
            else filled[n++] = ch == '?' ? 'k' : ch;
        }
        return IsPrivateKeyName(filled);
    }

    /// <summary>Whether a candidate's segments match a pattern's, past the <paramref name="shared"/> leading ones known to be equal.</summary>
    private static bool SegmentsMatch(string[] patternSegments, string[] parts, int shared)
    {
        for (int i = shared; i < patternSegments.Length; i++)
            if (!SegmentMatches(patternSegments[i], parts[i])) return false;
        return true;
    }

    /// <summary>
    /// A path whose start is only known at run time (<c>$XDG_CONFIG_HOME/gh/hosts.yml</c>) is a credential when its known
    /// end is the end of a credential file. At least two known segments: one name alone (<c>config</c>) says too little,
    /// unless that name is itself distinctive (<c>.netrc</c>, <c>credentials</c>: <c>cd $X; cat .netrc</c>).
    /// </summary>
    private static string? TailOfCredential(string[] segments, string home)
    {
        int known = segments.Length - 1;
        if (known < 2 && !(known == 1 && IsDistinctiveName(segments[^1]))) return null;
        foreach (var (_, parts) in CandidatesFor(home).All)
        {
            if (parts.Length - 1 < known) continue;
            bool all = true;
            for (int i = 0; i < known && all; i++)
                all = SegmentMatches(segments[segments.Length - 1 - i], parts[parts.Length - 1 - i]);
            if (all) return string.Join('/', parts[^known..]);
        }
        return null;
    }

    /// <summary>
    /// A file name that names a credential store wherever it is found: a dot-file (<c>.netrc</c>, <c>.pgpass</c>,
    /// <c>.git-credentials</c>) or a name that says credentials or token; generic names (<c>config</c>) are not.
    /// </summary>
    private static bool IsDistinctiveName(string name) =>
        name.AsSpan().IndexOfAny("*?") < 0 && name.Length > 2
        && (name[0] == '.' || name.Contains("credential", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase));

    private static string BracketsAsAnyCharacter(string pattern)
    {
        if (!pattern.Contains('[', StringComparison.Ordinal)) return pattern;
        var sb = new System.Text.StringBuilder(pattern.Length);
        for (int i = 0; i < pattern.Length; i++)
        {
            // `[` … `]` with at least one character inside (a `]` right after `[` or `[!` is part of the class, as in bash).
            int close = pattern[i] == '[' ? ClassEnd(pattern, i) : -1;
            if (close < 0) { sb.Append(pattern[i]); continue; }
            sb.Append('?');
            i = close;
        }
        return sb.ToString();
    }

    private static int ClassEnd(string pattern, int open)
    {
        int j = open + 1;
        if (j < pattern.Length && pattern[j] is '!' or '^') j++;
        if (j < pattern.Length && pattern[j] == ']') j++;
        for (; j < pattern.Length; j++)
        {
            if (pattern[j] == '/') return -1;
            if (pattern[j] == ']') return j;
        }
        return -1;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CredentialCandidates> Candidates = new(StringComparer.Ordinal);

    /// <summary>Homes whose candidates are kept; the home comes with each request, so the cache must not grow with them.</summary>
    private const int MaxCachedHomes = 64;

    /// <summary>The concrete credential files under a home and on the system, indexed by directory, built once per home.</summary>
    private static CredentialCandidates CandidatesFor(string home)
    {
        if (Candidates.TryGetValue(home, out var cached)) return cached;
        if (Candidates.Count >= MaxCachedHomes) Candidates.Clear();
        return Candidates.GetOrAdd(home, BuildCandidates);
    }

    private static CredentialCandidates BuildCandidates(string h)
    {
        var root = h.TrimEnd('/');
        return new(HomeFiles.Select(f => root + "/" + f.TrimEnd('/'))
            .Concat(HomeGlobs.Select(g => root + "/" + g.Replace("*", "Default", StringComparison.Ordinal)))
            .Concat(KeyNames.Select(k => root + "/.ssh/" + k))
            .Concat(AbsoluteFiles.Select(f => f.TrimEnd('/', '_')))
            .Where(c => c.AsSpan().IndexOfAny("*?[") < 0));
    }

    /// <summary>Bash pathname matching: wildcards stay within a segment, and a leading dot must be matched literally.</summary>
    private static bool ShellGlobMatch(string[] patternSegments, ReadOnlySpan<char> path)
    {
        if (path.Count('/') + 1 != patternSegments.Length) return false;
        foreach (var p in patternSegments)
        {
            int slash = path.IndexOf('/');
            var segment = slash < 0 ? path : path[..slash];
            if (!SegmentMatches(p, segment)) return false;
            path = slash < 0 ? default : path[(slash + 1)..];
        }
        return true;
    }

    private static bool SegmentMatches(string pattern, ReadOnlySpan<char> segment) =>
        !(segment.StartsWith('.') && !pattern.StartsWith('.')) && Wildcard.Match(pattern, segment);

    private static bool MatchesAny(ReadOnlySpan<char> path, string[] patterns)
    {
        foreach (var p in patterns)
        {
            if (p.EndsWith('/'))
            {
                if (path.StartsWith(p) || path.SequenceEqual(p.AsSpan(0, p.Length - 1))) return true;
            }
            else if (p.EndsWith('_'))
            {
                if (path.StartsWith(p) && !path.EndsWith(".pub")) return true;
            }
            else if (path.SequenceEqual(p)) return true;
        }
        return false;
    }

    private static bool IsEnvFile(ReadOnlySpan<char> name)
    {
        if (name is ".env") return true;
        if (!name.StartsWith(".env.") && !name.EndsWith(".env")) return false;
        foreach (var suffix in SafeEnvSuffixes)
            if (name.EndsWith(suffix)) return false;
        return name is not ".envrc.example";
    }

    /// <summary>Any file directly in ~/.ssh can be a key (<c>deploy_key</c>, <c>github</c>) except the well-known public ones.</summary>
    private static bool IsUnlistedSshFile(ReadOnlySpan<char> name) =>
        name.Length > 0 && !name.Contains('/') && !name.EndsWith(".pub")
        && name is not ("config" or "environment" or "rc")
        && !name.StartsWith("known_hosts") && !name.StartsWith("authorized_keys")
        && !name.StartsWith("config.") && !name.EndsWith("-cert.pub");

    /// <summary>SSH and TLS private keys by name; public halves (<c>.pub</c>) and known_hosts are not secrets.</summary>
    private static bool IsPrivateKeyName(ReadOnlySpan<char> name)
    {
        if (name.EndsWith(".pub") || name.Contains('/')) return false;
        if (name.StartsWith("id_")) return true;
        // A .pem is often a public certificate; it holds a key when its name says so.
        if (name.EndsWith(".pem"))
            return name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("priv", StringComparison.OrdinalIgnoreCase);
        return name.EndsWith(".key") || name.EndsWith(".p12") || name.EndsWith(".pfx")
            || name.EndsWith(".ppk") || name.EndsWith(".jks") || name.EndsWith(".keystore");
    }

    /// <summary>Whether a variable name looks like it holds a secret (<c>AWS_SECRET_ACCESS_KEY</c>, <c>GITHUB_TOKEN</c>).</summary>
    public static bool IsSecretName(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper.Contains("SECRET", StringComparison.Ordinal) || upper.Contains("TOKEN", StringComparison.Ordinal)
            || upper.Contains("PASSWORD", StringComparison.Ordinal) || upper.Contains("PASSWD", StringComparison.Ordinal)
            || upper.Contains("API_KEY", StringComparison.Ordinal) || upper.Contains("APIKEY", StringComparison.Ordinal)
            || upper.Contains("PRIVATE_KEY", StringComparison.Ordinal) || upper.Contains("ACCESS_KEY", StringComparison.Ordinal)
            || upper.Contains("CREDENTIAL", StringComparison.Ordinal) || upper.EndsWith("_PAT", StringComparison.Ordinal)
            || upper.Contains("AUTH", StringComparison.Ordinal) && !upper.Contains("AUTHOR", StringComparison.Ordinal)
            || upper is "PGPASS" or "DATABASE_URL";
    }
}
