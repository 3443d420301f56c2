using Interlock.Shell;

namespace Interlock.Risk;

/// <summary>Where a path lies relative to the agent's workspace and the machine.</summary>
public enum Location
{
    /// <summary>Not known before run time.</summary>
    Unknown,
    Root,
    /// <summary>Operating-system directories: /etc, /usr, /bin, /boot, /var …</summary>
    System,
    Device,
    /// <summary>The home directory itself.</summary>
    Home,
    /// <summary>Under the home directory, outside the workspace.</summary>
    HomeContent,
    /// <summary>An ancestor of the workspace, or everything in it.</summary>
    WorkspaceRoot,
    /// <summary>The repository's <c>.git</c> directory or anything in it.</summary>
    WorkspaceGit,
    /// <summary>Regenerable output inside the workspace (node_modules, bin, obj, dist …).</summary>
    WorkspaceRegenerable,
    WorkspaceContent,
    Temp,
    /// <summary>Anywhere else: other projects, mounted data, /srv, /opt …</summary>
    Outside,
}

/// <summary>Classifies absolute paths against a workspace and home.</summary>
public static class PathLocations
{
    private static readonly HashSet<string> Regenerable = new(StringComparer.Ordinal)
    {
        "node_modules", "bin", "obj", "dist", "build", "target", "__pycache__", ".venv", "venv", "coverage", ".next", ".nuxt", "out",
        ".cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".gradle", ".parcel-cache", ".turbo", ".terraform", ".angular",
        ".svelte-kit", "htmlcov", ".nyc_output", "TestResults", "BenchmarkDotNet.Artifacts", ".eggs", "storybook-static", ".docusaurus",
        ".expo", ".dart_tool", "_build", "deps", "cmake-build-debug", "cmake-build-release", ".sass-cache", "tmp", "temp", "logs",
        "dbt_packages", "dbt_modules", "Pods", "DerivedData", "elm-stuff", ".stack-work", "zig-cache", "zig-out", ".nx", ".serverless",
        ".aws-sam", "cdk.out", ".terragrunt-cache", ".pnpm-store", "_site", ".hypothesis", ".ipynb_checkpoints", "wandb", "mlruns", "lightning_logs",
    };

    /// <summary>Names of regenerable output by their ending (setuptools' <c>NAME.egg-info</c>); a glob with this ending names only such output.</summary>
    private static readonly string[] RegenerableSuffixes = [".egg-info"];

    private static readonly string[] SystemDirs =
        ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/var", "/proc", "/sys", "/run", "/root", "/opt", "/snap", "/System", "/Library", "/Applications", "/private"];

    /// <summary>The location of <paramref name="path"/>; glob leaves (<c>*</c>) count as everything in their directory.</summary>
    public static Location Classify(string path, string workspace, string home) => Classify(path, workspace, home, 0);

    /// <summary>
    /// How many times classification may restart on a rewritten path. The workspace comes from the agent: one named
    /// <c>/w/**x</c> rewrote <c>/w/**x/…</c> to itself without end, and the stack overflow ended the process.
    /// </summary>
    private const int MaxRewrites = 16;

    private static Location Classify(string path, string workspace, string home, int rewrites)
    {
        if (rewrites > MaxRewrites) return Location.Unknown;
        int unknown = path.IndexOf(ShellArg.Unknown, StringComparison.Ordinal);
        if (unknown == 0 || path.Length == 0) return Location.Unknown;
        if (unknown > 0)
        {
            // Only the directory before the unknown part is known.
            int slash = path.LastIndexOf('/', unknown);
            if (slash <= 0) return Location.Unknown;
            return ChildOf(path[..slash], workspace, home, rewrites);
        }

        int anyDepth = path.IndexOf("/**", StringComparison.Ordinal);
        if (anyDepth >= 0)
        {
            // "Somewhere below": a match anywhere under the prefix, named by what follows.
            var prefix = anyDepth == 0 ? "/" : path[..anyDepth];
            var below = ChildOf(prefix, workspace, home, rewrites);
            if (below == Location.WorkspaceContent)
            {
                var rest = path[(anyDepth + 3)..].TrimStart('/');
                return rest.Length == 0 ? Location.WorkspaceRoot : Classify(workspace + "/" + rest, workspace, home, rewrites + 1);
            }
            return below;
        }

        var leaf = path[(path.LastIndexOf('/') + 1)..];
        if (leaf is "*" or ".*" or "**" or "{*,.*}" or ".[!.]*" or "*.*")
        {
            var parent = path.LastIndexOf('/') <= 0 ? "/" : path[..path.LastIndexOf('/')];
            var parentLoc = Classify(parent, workspace, home, rewrites + 1);
            // "Everything in" the workspace or home is the workspace or home.
            return parentLoc == Location.WorkspaceRoot || (parentLoc == Location.HomeContent && IsAncestorOrSelf(parent, workspace)) ? Location.WorkspaceRoot
                : parentLoc is Location.Root ? Location.Root
                : parentLoc;
        }

        if (path == "/") return Location.Root;
        if (path.StartsWith("/dev/", StringComparison.Ordinal))
            return path is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/tty" or "/dev/zero" or "/dev/random" or "/dev/urandom" || path.StartsWith("/dev/fd/", StringComparison.Ordinal)
                ? Location.Temp : Location.Device;
        if (PathResolver.IsUnder(path, "/tmp") || PathResolver.IsUnder(path, "/var/tmp") || PathResolver.IsUnder(path, "/private/tmp")) return path is "/tmp" or "/var/tmp" ? Location.System : Location.Temp;

        if (IsAncestorOrSelf(path, workspace) && workspace != "/")
        {
            if (path == workspace) return Location.WorkspaceRoot;
            // An ancestor of the workspace: home or a parent project directory.
            if (path == home.TrimEnd('/')) return Location.Home;
            return path == "/" ? Location.Root : IsSystem(path) ? Location.System : Location.WorkspaceRoot;
        }
        if (workspace != "/" && PathResolver.IsUnder(path, workspace))
        {
            var rel = path.AsSpan(workspace.Length + 1);
            foreach (var range in rel.Split('/'))
            {
                var seg = rel[range];
                if (seg.SequenceEqual(".git")) return Location.WorkspaceGit;
                if (Regenerable.Contains(seg.ToString())) return Location.WorkspaceRegenerable;
                foreach (var suffix in RegenerableSuffixes)
                    if (seg.Length > suffix.Length && seg.EndsWith(suffix, StringComparison.Ordinal)) return Location.WorkspaceRegenerable;
            }
            return Location.WorkspaceContent;
        }
        var h = home.TrimEnd('/');
        if (path == h) return Location.Home;
        if (PathResolver.IsUnder(path, h)) return Location.HomeContent;
        if (IsSystem(path)) return Location.System;
        return Location.Outside;
    }

    /// <summary>Where an unnamed entry below a directory of the given location lies.</summary>
    private static Location ChildOf(string dir, string workspace, string home, int rewrites) =>
        dir is "/tmp" or "/var/tmp" or "/private/tmp" ? Location.Temp : ChildOf(Classify(dir, workspace, home, rewrites + 1));

    private static Location ChildOf(Location parent) => parent switch
    {
        Location.WorkspaceRoot => Location.WorkspaceContent,
        Location.Home => Location.HomeContent,
        Location.Root => Location.System,
        _ => parent,
    };

    private static bool IsAncestorOrSelf(string path, string workspace) => PathResolver.IsUnder(workspace, path);

    private static bool IsSystem(string path)
    {
        if (path is "/home" or "/Users" or "/srv" or "/mnt" or "/media" or "/data") return true;
        foreach (var dir in SystemDirs)
            if (PathResolver.IsUnder(path, dir)) return true;
        return false;
    }
}
