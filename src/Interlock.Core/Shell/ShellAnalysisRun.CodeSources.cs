using System.Collections.Frozen;
using Interlock.Actions;

namespace Interlock.Shell;

// Where the code a program runs comes from, besides its own arguments: files named by options (awk -f), project
// configuration read by runners (terraform plan, docker compose up), compiler outputs, packages fetched by URL.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Options whose value is a file of code the program runs (<c>awk -f prog.awk</c>, <c>vim -S x.vim</c>).</summary>
    private static readonly FrozenDictionary<string, string[]> CodeFileOptions = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["awk"] = ["-f", "--file"], ["gawk"] = ["-f", "--file"], ["mawk"] = ["-f"], ["nawk"] = ["-f"],
        ["sed"] = ["-f", "--file"], ["gsed"] = ["-f", "--file"],
        ["vim"] = ["-S", "-u"], ["nvim"] = ["-S", "-u"], ["vi"] = ["-S", "-u"], ["ex"] = ["-S", "-u"], ["view"] = ["-S", "-u"],
        ["emacs"] = ["-l", "--load", "--script"], ["gdb"] = ["-x", "--command"], ["lldb"] = ["-s", "--source"],
        ["node"] = ["-r", "--require", "--import"], ["ruby"] = ["-r"], ["bash"] = ["--rcfile", "--init-file"],
        ["make"] = ["-f", "--file", "--makefile"], ["gmake"] = ["-f", "--file", "--makefile"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Programs that read the project's configuration and act on it: infrastructure definitions, compose files.</summary>
    private static readonly FrozenSet<string> ProjectConfigRunners = FrozenSet.ToFrozenSet(
        ["terraform", "tofu", "terragrunt", "pulumi", "cdk", "cdktf", "packer", "vagrant", "docker-compose", "podman-compose", "ansible-playbook", "helmfile", "skaffold", "tilt"],
        StringComparer.Ordinal);

    /// <summary>Compilers whose <c>-o</c> output is built from the sources they are given.</summary>
    private static readonly FrozenSet<string> Compilers = FrozenSet.ToFrozenSet(
        ["gcc", "g++", "cc", "c++", "clang", "clang++", "tcc", "rustc", "go", "zig", "nim", "ghc", "swiftc", "gfortran"], StringComparer.Ordinal);

    /// <summary>Package tools that install or run packages: a URL or VCS spec is code from nowhere reviewed.</summary>
    private static readonly FrozenSet<string> PackageTools = FrozenSet.ToFrozenSet(
        ["pip", "pip3", "pipx", "uv", "uvx", "poetry", "pdm", "pipenv", "conda", "mamba", "npm", "npx", "pnpm", "pnpx", "yarn", "bun", "bunx"], StringComparer.Ordinal);

    /// <summary>Options of package tools whose value is an index or registry, not a package.</summary>
    private static readonly FrozenSet<string> IndexOptions = FrozenSet.ToFrozenSet(
        ["-i", "--index-url", "--extra-index-url", "--index", "--default-index", "-f", "--find-links", "--registry", "--trusted-host", "--cert", "-c", "--channel"], StringComparer.Ordinal);

    /// <summary>Checks, before the program's own analysis, the code it takes from elsewhere than its arguments.</summary>
    private void AnalyzeCodeSources(string program, List<ShellArg> args, CallContext ctx)
    {
        if (_written is not null)
        {
            if (CodeFileOptions.TryGetValue(program, out var options))
            {
                for (int i = 1; i < args.Count; i++)
                {
                    var t = args[i].Text;
                    foreach (var option in options)
                    {
                        string? value = t == option && i + 1 < args.Count ? args[i + 1].Text
                            : t.StartsWith(option + "=", StringComparison.Ordinal) ? t[(option.Length + 1)..]
                            : option.Length == 2 && t.Length > 2 && t.StartsWith(option, StringComparison.Ordinal) && option[1] != '-' ? t[2..]
                            : null;
                        if (value is not null && WrittenAt(ResolvePath(ShellArg.Static(value), ctx)) is { } file)
                            ReportWrittenRun(program, file, ctx.Text);
                    }
                }
            }
            bool configRunner = ProjectConfigRunners.Contains(program)
                || program is "docker" or "podman" or "nerdctl" && args.Count > 1 && args.Exists(a => a.Text is "compose" or "build" or "buildx");
            if (configRunner && WrittenProjectFile() is { } config) ReportWrittenRun(program, config, ctx.Text);
        }
        if (Compilers.Contains(program)) NoteCompilerOutput(args, ctx);
        if (PackageTools.Contains(program)) CheckRemotePackages(program, args, ctx);
    }

    /// <summary>A code file (not notes or logs) this command wrote under the workspace or the current directory.</summary>
    private string? WrittenProjectFile()
    {
        if (_written is null) return null;
        var cwd = CurrentDirectory();
        // Scratch space too: `cat > /tmp/m.go <<EOF … EOF; go run /tmp/m.go` runs what it just wrote.
        foreach (var w in _written)
            if (!IsDataFile(w) && (PathResolver.IsUnder(w, Workspace) || PathResolver.IsUnder(w, cwd)
                || (PathResolver.IsUnder(w, "/tmp") || PathResolver.IsUnder(w, "/var/tmp")) && IsSourceFile(w))) return w;
        return null;
    }

    /// <summary>Source code by its name (a temporary file of output is not): what a runner given scratch space may build and run.</summary>
    private static readonly string[] SourceExtensions =
        [".go", ".py", ".sh", ".bash", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php", ".lua", ".c", ".cc", ".cpp", ".rs", ".java", ".kt", ".cmake", ".mk", ".gradle", ".json"];

    private static bool IsSourceFile(string path) =>
        path.EndsWith("/Makefile", StringComparison.Ordinal) || path.EndsWith("/CMakeLists.txt", StringComparison.Ordinal)
        || Array.Exists(SourceExtensions, e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>A compiler fed text from input or a file this command wrote builds a program from that text.</summary>
    private void NoteCompilerOutput(List<ShellArg> args, CallContext ctx)
    {
        bool fromWritten = false;
        string? output = null;
        for (int i = 1; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "-o" && i + 1 < args.Count) { output = args[++i].Text; continue; }
            if (t.StartsWith("-o", StringComparison.Ordinal) && t.Length > 2) { output = t[2..]; continue; }
            if (t == "-" || t == "/dev/stdin" || !t.StartsWith('-') && WrittenAt(ResolvePath(args[i], ctx)) is not null) fromWritten = true;
        }
        if (fromWritten) (_written ??= new HashSet<string>(StringComparer.Ordinal)).Add(ResolvePath(ShellArg.Static(output ?? "a.out"), ctx));
    }

    private void CheckRemotePackages(string program, List<ShellArg> args, CallContext ctx)
    {
        for (int i = 1; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (IndexOptions.Contains(t)) { i++; continue; }
            int eq = t.IndexOf('=', StringComparison.Ordinal);
            if (t.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                if (IndexOptions.Contains(t[..eq])) continue;
                t = t[(eq + 1)..];
            }
            if (!IsRemotePackageSpec(t)) continue;
            AddGap("remote-package", $"{program} installs or runs a package from {ShellArg.DisplayText(t)}, a source nobody reviewed (not a registry release)", ctx.Text);
            var d = NewDraft(program, null, OperationClass.Exec, "installs or runs a package from a URL or repository", ctx);
            d.Urls = [t];
            d.Tags.Add("remote-package");
            Emit(d);
            return;
        }
    }

    private static bool IsRemotePackageSpec(string spec)
    {
        int at = spec.IndexOf(" @ ", StringComparison.Ordinal); // PEP 508: `name @ https://…`
        if (at >= 0) spec = spec[(at + 3)..];
        else if (spec.IndexOf('@') is > 0 and var a && spec.IndexOf("://", StringComparison.Ordinal) > a) spec = spec[(a + 1)..]; // `name@https://…`
        return spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || spec.StartsWith("git+", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("git://", StringComparison.OrdinalIgnoreCase)
            || spec.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("git@", StringComparison.Ordinal)
            || spec.StartsWith("hg+", StringComparison.Ordinal) || spec.StartsWith("svn+", StringComparison.Ordinal) || spec.StartsWith("bzr+", StringComparison.Ordinal)
            || spec.StartsWith("github:", StringComparison.Ordinal) || spec.StartsWith("gitlab:", StringComparison.Ordinal) || spec.StartsWith("bitbucket:", StringComparison.Ordinal)
            || spec.StartsWith("gist:", StringComparison.Ordinal);
    }
}
