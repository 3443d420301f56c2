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
    ];

    private static readonly string[] SafeEnvSuffixes = [".example", ".sample", ".template", ".dist", ".defaults", ".schema", ".test.example"];

    /// <summary>Why <paramref name="path"/> (absolute, normalized) holds credentials, or null when it does not.</summary>
    public static string? Describe(string path, string home, bool recursive = false)
    {
        if (path.Contains(ShellArg.Unknown)) return null;
        if (path.AsSpan().IndexOfAny("*?[") >= 0) return DescribeGlob(path, home, recursive);
        var homePrefix = home.TrimEnd('/') + "/";
        if (path.StartsWith(homePrefix, StringComparison.Ordinal))
        {
            var rel = path[homePrefix.Length..];
            if (MatchesAny(rel, HomeFiles)) return $"~/{rel} holds credentials";
            var relSegments = rel.Split('/');
            foreach (var g in HomeGlobs)
                if (ShellGlobMatch(g.Split('/'), relSegments)) return $"~/{rel} is a browser or keychain credential store";
            if (rel.StartsWith(".ssh/", StringComparison.Ordinal) && (IsPrivateKeyName(rel[5..]) || IsUnlistedSshFile(rel[5..]))) return $"~/{rel} is an SSH private key";
            if (recursive)
            {
                foreach (var dir in HomeDirectories)
                    if (rel == dir || rel.StartsWith(dir + "/", StringComparison.Ordinal)) return $"~/{rel} holds credentials";
            }
        }
        else if (recursive && path.TrimEnd('/') == home.TrimEnd('/'))
        {
            return "the home directory holds credentials";
        }
        if (MatchesAny(path, AbsoluteFiles)) return $"{path} holds credentials";
        if (path.StartsWith("/proc/", StringComparison.Ordinal) && path.EndsWith("/environ", StringComparison.Ordinal)) return $"{path} holds a process's secrets";

        var name = path[(path.LastIndexOf('/') + 1)..];
        if (IsEnvFile(name)) return $"{name} holds environment secrets";
        if (IsPrivateKeyName(name) && !path.StartsWith(homePrefix + ".ssh/", StringComparison.Ordinal)) return $"{name} is a private key";
        return null;
    }

    private static readonly string[] KeyNames = ["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "id_ed25519_sk", "id_ecdsa_sk"];
    private static readonly string[] EnvNames = [".env", ".env.local", ".env.production", ".env.development", ".env.prod"];

    /// <summary>A glob (<c>~/.aws/cred*</c>, <c>~/.ssh/*</c>) is a credential read when it can match a credential file.</summary>
    private static string? DescribeGlob(string pattern, string home, bool recursive)
    {
        int slash = pattern.LastIndexOf('/');
        var dir = slash > 0 ? pattern[..slash] : "";
        var leaf = pattern[(slash + 1)..];
        if (IsPrivateKeyName(leaf.Replace("*", "private_key", StringComparison.Ordinal).Replace("?", "k", StringComparison.Ordinal)))
            return $"{pattern} matches private key files";
        var patternSegments = pattern.Split('/');
        var homePrefix = home.TrimEnd('/') + "/";
        if (pattern.StartsWith(homePrefix, StringComparison.Ordinal))
        {
            var relPattern = pattern[homePrefix.Length..].Split('/');
            foreach (var g in HomeGlobs)
            {
                var gs = g.Split('/');
                if (gs.Length != relPattern.Length) continue;
                bool overlap = true;
                for (int i = 0; i < gs.Length && overlap; i++)
                    overlap = gs[i] == "*" || Wildcard.Match(relPattern[i], gs[i]);
                if (overlap) return $"{pattern} can match ~/{g}, a browser or keychain credential store";
            }
        }
        foreach (var (candidate, segments) in CandidatesFor(home))
        {
            if (segments.Length == patternSegments.Length && ShellGlobMatch(patternSegments, segments) && Describe(candidate, home, recursive) is { } why)
                return $"{pattern} can match {segments[^1]}: {why}";
        }
        // Secrets that live in any directory: .env files and SSH keys beside the pattern.
        foreach (var name in EnvNames.Concat(KeyNames))
        {
            var candidate = dir + "/" + name;
            if (ShellGlobMatch(patternSegments, candidate.Split('/')) && Describe(candidate, home, recursive) is { } why)
                return $"{pattern} can match {name}: {why}";
        }
        return null;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string, string[])[]> Candidates = new(StringComparer.Ordinal);

    /// <summary>The concrete credential files under a home and on the system, split into segments once per home.</summary>
    private static (string Path, string[] Segments)[] CandidatesFor(string home) => Candidates.GetOrAdd(home, h =>
    {
        var root = h.TrimEnd('/');
        return HomeFiles.Select(f => root + "/" + f.TrimEnd('/'))
            .Concat(HomeGlobs.Select(g => root + "/" + g.Replace("*", "Default", StringComparison.Ordinal)))
            .Concat(KeyNames.Select(k => root + "/.ssh/" + k))
            .Concat(AbsoluteFiles.Select(f => f.TrimEnd('/', '_')))
            .Where(c => c.AsSpan().IndexOfAny("*?[") < 0)
            .Select(c => (c, c.Split('/')))
            .ToArray();
    });

    /// <summary>Bash pathname matching: wildcards stay within a segment, and a leading dot must be matched literally.</summary>
    private static bool ShellGlobMatch(string[] ps, string[] ts)
    {
        if (ps.Length != ts.Length) return false;
        for (int i = 0; i < ps.Length; i++)
        {
            if (ts[i].StartsWith('.') && !ps[i].StartsWith('.')) return false;
            if (!Wildcard.Match(ps[i], ts[i])) return false;
        }
        return true;
    }

    private static bool MatchesAny(string path, string[] patterns)
    {
        foreach (var p in patterns)
        {
            if (p.EndsWith('/'))
            {
                if (path.StartsWith(p, StringComparison.Ordinal) || path == p[..^1]) return true;
            }
            else if (p.EndsWith('_'))
            {
                if (path.StartsWith(p, StringComparison.Ordinal) && !path.EndsWith(".pub", StringComparison.Ordinal)) return true;
            }
            else if (path == p) return true;
        }
        return false;
    }

    private static bool IsEnvFile(string name)
    {
        if (name == ".env") return true;
        if (!name.StartsWith(".env.", StringComparison.Ordinal) && !name.EndsWith(".env", StringComparison.Ordinal)) return false;
        foreach (var suffix in SafeEnvSuffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return false;
        return name != ".envrc.example";
    }

    /// <summary>Any file directly in ~/.ssh can be a key (<c>deploy_key</c>, <c>github</c>) except the well-known public ones.</summary>
    private static bool IsUnlistedSshFile(string name) =>
        name.Length > 0 && !name.Contains('/', StringComparison.Ordinal) && !name.EndsWith(".pub", StringComparison.Ordinal)
        && name is not ("config" or "environment" or "rc")
        && !name.StartsWith("known_hosts", StringComparison.Ordinal) && !name.StartsWith("authorized_keys", StringComparison.Ordinal)
        && !name.StartsWith("config.", StringComparison.Ordinal) && !name.EndsWith("-cert.pub", StringComparison.Ordinal);

    /// <summary>SSH and TLS private keys by name; public halves (<c>.pub</c>) and known_hosts are not secrets.</summary>
    internal static bool IsPrivateKeyName(string name)
    {
        if (name.EndsWith(".pub", StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)) return false;
        if (name.StartsWith("id_", StringComparison.Ordinal)) return true;
        // A .pem is often a public certificate; it holds a key when its name says so.
        if (name.EndsWith(".pem", StringComparison.Ordinal))
            return name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("priv", StringComparison.OrdinalIgnoreCase);
        return name.EndsWith(".key", StringComparison.Ordinal)
            || name.EndsWith(".p12", StringComparison.Ordinal) || name.EndsWith(".pfx", StringComparison.Ordinal)
            || name.EndsWith(".ppk", StringComparison.Ordinal) || name.EndsWith(".jks", StringComparison.Ordinal)
            || name.EndsWith(".keystore", StringComparison.Ordinal);
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
