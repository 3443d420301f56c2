using Interlock.Actions;
using Interlock.Shell;

namespace Interlock.Server.Hooks;

/// <summary>
/// Tamper protection for the gate itself, checked by the hook adapter after evaluation. It can only add a denial, never
/// lift one. An agent must not rewrite the settings that install its own hook (Claude Code <c>.claude/settings*.json</c>,
/// Gemini CLI <c>.gemini/settings.json</c>, Cursor <c>.cursor/hooks.json</c>, in the project or the home directory),
/// nor Interlock's policy file, data directory or installation. This is an adapter-level check rather than a policy
/// <c>protected:</c> entry because the evaluator's protected resources guard only destructive operations, while a plain,
/// reversible Write of a settings file is exactly the tampering to stop.
/// Covers file tools (Write, Edit, write_file, replace …) and shell commands whose analyzed operations write, delete or
/// destroy one of these paths (<c>echo … &gt; .claude/settings.json</c>, <c>rm -rf .cursor</c>).
/// </summary>
public sealed class SelfProtection
{
    /// <summary>The rule name a tamper denial carries in decisions and audit records.</summary>
    public const string Rule = "hook:tamper-protection";

    private readonly List<string> _roots = [];

    /// <param name="home">The agent's home directory (its <c>~/.interlock</c> is protected).</param>
    /// <param name="roots">Further absolute paths to protect: the policy file, data directories, the installation.</param>
    public SelfProtection(string home, IEnumerable<string?> roots)
    {
        _roots.Add(PathResolver.Normalize(home.TrimEnd('/') + "/.interlock"));
        foreach (var root in roots)
        {
            if (string.IsNullOrEmpty(root) || !root.StartsWith('/')) continue;
            var normal = PathResolver.Normalize(root);
            if (normal != "/" && !_roots.Contains(normal)) _roots.Add(normal);
        }
    }

    /// <summary>The offline hook's protection: the policy file, <c>$INTERLOCK_DATA</c> and this installation.</summary>
    public static SelfProtection Local(string home, string? policyPath) => new(home,
    [
        Environment.GetEnvironmentVariable("INTERLOCK_DATA"),
        policyPath is null ? null : Path.GetFullPath(policyPath),
        AppContext.BaseDirectory,
    ]);

    /// <summary>
    /// <paramref name="decision"/> unchanged, or a deny carrying the tamper reasons (replacing the policy's) and
    /// <see cref="Rule"/> when the action changes the gate's own files.
    /// </summary>
    public Decision Apply(ActionFacts facts, Decision decision)
    {
        if (Violations(facts) is not { Count: > 0 } tamper) return decision;
        return decision with { Outcome = Outcome.Deny, Reasons = tamper, Rules = [.. decision.Rules, Rule], Constraints = null };
    }

    /// <summary>Why the evaluated action tampers with the gate, or null when it does not.</summary>
    public List<string>? Violations(ActionFacts facts)
    {
        List<string>? hits = null;
        foreach (var op in facts.Operations)
        {
            if (!op.PathTargets || op.Class is OperationClass.Read or OperationClass.CredentialRead or OperationClass.Exec or OperationClass.Egress) continue;
            foreach (var target in op.Targets)
            {
                if (Describe(target) is { } what)
                    (hits ??= []).Add($"tamper protection: {op.Program} would change {target}, {what}; agents may not change the gate that checks them");
            }
        }
        return hits;
    }

    internal string? Describe(string path)
    {
        var name = Path.GetFileName(path);
        var parent = Path.GetFileName(Path.GetDirectoryName(path) ?? "");
        if (parent == ".claude" && name.StartsWith("settings", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal))
            return "Claude Code's settings (they install the Interlock hook)";
        if (parent == ".gemini" && name == "settings.json") return "Gemini CLI's settings (they install the Interlock hook)";
        if (parent == ".cursor" && name == "hooks.json") return "Cursor's hooks file (it installs the Interlock hook)";
        if (name is ".claude" or ".gemini" or ".cursor") return $"the agent settings directory {name}";
        foreach (var root in _roots)
            if (path == root || PathResolver.IsUnder(path, root)) return $"Interlock's own files ({root})";
        return null;
    }
}
