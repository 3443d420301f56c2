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
        foreach (var (_, value) in c.Inv.Options)
        {
            if (value is not { } v || v.Text.Length == 0) continue;
            var path = ResolvePath(v, c.Ctx);
            if (CredentialIn(path) is not null && !c.Op.Targets.Contains(path)) c.Op.Targets.Add(path);
        }
    }

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
