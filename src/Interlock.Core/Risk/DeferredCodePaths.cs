namespace Interlock.Risk;

/// <summary>One kind of file some tool runs later without being asked: a path pattern and why writing it matters.</summary>
/// <param name="Pattern">
/// Path segments matched against the end of a path: <c>*</c> in a segment matches any text, a final <c>**</c>
/// matches anything below (and the directory itself, as the target of a copy into it).
/// </param>
/// <param name="Reason">What runs the file, said of the path.</param>
public sealed record DeferredCodePath(string Pattern, string Reason)
{
    internal string[] Segments { get; } = Pattern.Split('/');
}

/// <summary>
/// Files whose content runs later, started by something other than the agent's next command (python at every start,
/// the editor on folder open, git on commit, direnv on cd, npm on install): writing one is code nobody reviewed.
/// </summary>
public static class DeferredCodePaths
{
    /// <summary>The table: data, so a new startup file is one line.</summary>
    public static readonly IReadOnlyList<DeferredCodePath> All =
    [
        // Python runs *.pth lines starting with `import`, sitecustomize and usercustomize at every interpreter start.
        new("site-packages/*.pth", "is a .pth file python runs at every start"),
        new("dist-packages/*.pth", "is a .pth file python runs at every start"),
        new("site-packages", "is a python site directory: a file copied in may be a .pth python runs at every start"),
        new("dist-packages", "is a python site directory: a file copied in may be a .pth python runs at every start"),
        new("sitecustomize.py", "is a python startup module run at every start"),
        new("usercustomize.py", "is a python startup module run at every start"),
        // Editors: tasks that run on folder open, terminal and interpreter settings, run configurations, dev containers.
        new(".vscode/tasks.json", "is an editor task file whose tasks can run when the folder opens"),
        new(".vscode/settings.json", "is editor settings that choose the shell, terminal profile and tools the editor starts"),
        new("*.code-workspace", "is an editor workspace that holds tasks and settings the editor runs"),
        new(".idea/workspace.xml", "is an IDE workspace holding run configurations"),
        new(".idea/runConfigurations/**", "is an IDE run configuration"),
        new(".devcontainer/**", "is a dev container definition whose commands run when the folder is reopened"),
        new(".devcontainer.json", "is a dev container definition whose commands run when the folder is reopened"),
        // Vim and Neovim with 'exrc' run a project's own startup file on opening the folder; Emacs evaluates eval: forms.
        new(".nvim.lua", "is a Neovim project file run when the editor opens the folder"),
        new(".nvimrc", "is a Neovim project file run when the editor opens the folder"),
        new(".exrc", "is a Vim project file run when the editor opens the folder"),
        new(".dir-locals.el", "is an Emacs directory-local file whose eval forms run when a file there is opened"),
        // Cargo runs a crate's build script on every build and check (editors' rust-analyzer on opening the folder);
        // its config names wrappers and runners every cargo command starts.
        new("build.rs", "is a Cargo build script run on every build, and by the editor on opening the folder"),
        new(".cargo/config.toml", "is Cargo configuration that names the wrappers and runners every cargo command starts"),
        new(".cargo/config", "is Cargo configuration that names the wrappers and runners every cargo command starts"),
        // Hooks git and hook managers run on commit, push, checkout.
        new(".husky/**", "is a git hook (husky) that runs on the next commit or push"),
        new(".githooks/**", "is a git hook directory that runs on the next commit or push"),
        new("lefthook.yml", "is a hook manager's configuration whose commands run on the next commit"),
        new("lefthook.yaml", "is a hook manager's configuration whose commands run on the next commit"),
        new(".lefthook.yml", "is a hook manager's configuration whose commands run on the next commit"),
        new(".lefthook.yaml", "is a hook manager's configuration whose commands run on the next commit"),
        new("lefthook-local.yml", "is a hook manager's configuration whose commands run on the next commit"),
        new(".pre-commit-config.yaml", "is pre-commit's configuration whose hooks run on the next commit"),
        new(".pre-commit-config.yml", "is pre-commit's configuration whose hooks run on the next commit"),
        // Shell environment and package-manager configuration that start programs.
        new(".envrc", "is a direnv file the shell runs on entering the directory"),
        new(".npmrc", "is npm configuration that can set the script shell and node options of every later npm run"),
        new(".yarnrc", "is yarn configuration that can name the yarn program every later yarn command runs"),
        new(".yarnrc.yml", "is yarn configuration that can name the yarn program every later yarn command runs"),
        new(".pnpmfile.cjs", "is a pnpm hook file run on every install"),
    ];

    /// <summary>Why writing <paramref name="path"/> (absolute, normalized) registers code that runs later, or null.</summary>
    public static string? Describe(string path)
    {
        var parts = path.Split('/');
        foreach (var entry in All)
            if (Matches(parts, entry.Segments)) return entry.Reason;
        return null;
    }

    private static bool Matches(string[] parts, string[] pattern)
    {
        // `dir/**` matches the directory's segments anywhere on the path; other patterns match its end.
        bool below = pattern[^1] == "**";
        int count = below ? pattern.Length - 1 : pattern.Length;
        if (!below) return parts.Length >= count && SegmentsMatch(parts, parts.Length - count, pattern, count);
        for (int start = parts.Length - count; start >= 0; start--)
            if (SegmentsMatch(parts, start, pattern, count)) return true;
        return false;
    }

    private static bool SegmentsMatch(string[] parts, int start, string[] pattern, int count)
    {
        for (int i = 0; i < count; i++)
            if (!SegmentMatches(parts[start + i], pattern[i])) return false;
        return true;
    }

    private static bool SegmentMatches(string seg, string glob)
    {
        int star = glob.IndexOf('*', StringComparison.Ordinal);
        if (star < 0) return seg == glob;
        var head = glob.AsSpan(0, star);
        var rest = glob.AsSpan(star + 1);
        return seg.Length >= head.Length + rest.Length && seg.AsSpan().StartsWith(head, StringComparison.Ordinal) && seg.AsSpan().EndsWith(rest, StringComparison.Ordinal);
    }
}
