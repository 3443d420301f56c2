using Interlock.Knowledge;

namespace Interlock.Shell;

// How a reader's options and filters reach credentials: values of options that name files, and filters over the environment.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// A credential named as any option's value is read too (<c>jq --rawfile k ~/.ssh/id_rsa</c>, <c>grep -f ~/.netrc</c>,
    /// <c>hexdump -f FILE</c>): whether the option takes a file or not, a value that is a credential path is one the
    /// program may open, and an option grammar that is wrong about a value can no longer hide a file behind it.
    /// </summary>
    private void ReaderOptionFiles(SemanticsCall c)
    {
        foreach (var (name, value) in c.Inv.Options)
        {
            if (value is not { } v || v.Text.Length == 0 || PatternOptions.Contains(name)) continue;
            var path = ResolvePath(v, c.Ctx);
            if (CredentialIn(path) is not null && !c.Op.Targets.Contains(path)) c.Op.Targets.Add(path);
        }
    }

    /// <summary>A listing's output when it names files in a credential location (<see cref="StreamKind.CredentialNames"/>), else unknown.</summary>
    /// <param name="listed">Each pattern of listed paths, and the text the listing prints for it.</param>
    private StreamSource ListedCredentials(IEnumerable<(string Pattern, string Printed)> listed)
    {
        foreach (var (p, printed) in listed)
        {
            bool credential = CredentialIn(p) is not null;
            if (!credential && p.EndsWith("/**", StringComparison.Ordinal)) credential = CredentialIn(p[..^3], recursive: true) is not null;
            if (credential) return new StreamSource(StreamKind.CredentialNames, printed);
        }
        return StreamSource.Unknown;
    }

    /// <summary>
    /// <c>ls</c>, <c>fd</c>, <c>tree</c>: the names of what they list. A glob's matches print as paths; a directory's
    /// entries print as bare names, which name the credential files where they are used inside it (<c>cd ~/.ssh; ls | xargs cat</c>,
    /// <c>ls ~/.ssh | xargs -I{} cat ~/.ssh/{}</c>).
    /// </summary>
    internal StreamSource? Listing(SemanticsCall c)
    {
        bool dirsAsEntries = !c.Inv.HasAnyFlag("-d|--directory");
        var listed = c.Op.Targets.Select(t => t.AsSpan().IndexOfAny("*?[") >= 0 || !dirsAsEntries ? (t, t) : (t.TrimEnd('/') + "/*", "*"));
        return ListedCredentials(listed) is { Kind: StreamKind.CredentialNames } names ? names : null;
    }

    /// <summary>Options whose value is a name pattern or a search pattern, never a file (<c>grep --exclude=.env</c>, <c>rg -g '!.env'</c>).</summary>
    private static readonly HashSet<string> PatternOptions = new(StringComparer.Ordinal)
    {
        "--exclude", "--include", "--exclude-dir", "--include-dir", "-g", "--glob", "--iglob", "--ignore", "--ignore-dir", "-x", "-e", "--regexp",
        "-t", "--type", "-T", "--type-not", "--type-add", "-G", "--file-search-regex", "--match", "-I", "--ignore-matching-lines", "--label", "-L",
    };

    private static readonly string[] SecretWords = ["TOKEN", "SECRET", "PASS", "KEY", "AUTH", "CRED", "PRIVATE", "SESSION", "COOKIE"];

    /// <summary>The pattern of a grep-like filter when it picks secret-named lines (<c>grep -i token</c>, <c>grep -E 'KEY|PASS'</c>).</summary>
    private static string? SecretFilter(SemanticsCall c)
    {
        var patterns = c.Inv.OptionValues("-e|--regexp");
        if (patterns.Count == 0 && c.Inv.Positionals.Count > 0) patterns.Add(c.Inv.Positionals[0]);
        foreach (var p in patterns)
        {
            if (p.Dynamic) return p.Display;
            var upper = p.Text.ToUpperInvariant();
            foreach (var word in SecretWords)
                if (upper.Contains(word, StringComparison.Ordinal)) return p.Text;
        }
        return null;
    }
}
