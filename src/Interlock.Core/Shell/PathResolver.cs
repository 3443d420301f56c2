using System.Text;

namespace Interlock.Shell;

/// <summary>Makes paths absolute against a working directory and removes <c>.</c> and <c>..</c> segments, without touching the disk.</summary>
public static class PathResolver
{
    /// <summary>The absolute, normalized form of <paramref name="path"/>; unknown parts stay as <see cref="ShellArg.Unknown"/>.</summary>
    public static string Resolve(string path, string cwd, string home)
    {
        if (path.Length == 0) return Normalize(cwd);
        if (path[0] == '~' && (path.Length == 1 || path[1] == '/')) path = home + path[1..];
        else if (path[0] != '/' && path[0] != ShellArg.Unknown) path = cwd.TrimEnd('/') + "/" + path;
        return Normalize(path);
    }

    /// <summary>Collapses duplicate slashes, <c>.</c> and <c>..</c>; <c>..</c> above the root stays at the root.</summary>
    public static string Normalize(string path)
    {
        if (path.Length > 0 && path[0] == ShellArg.Unknown) return path;
        if (IsNormal(path)) return path;
        var segments = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..")
            {
                if (segments.Count > 0) segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(seg);
        }
        if (segments.Count == 0) return "/";
        var sb = new StringBuilder(path.Length);
        foreach (var seg in segments) sb.Append('/').Append(seg);
        return sb.ToString();
    }

    /// <summary>Absolute with no empty, <c>.</c> or <c>..</c> segment and no trailing slash: normalizing would copy it unchanged.</summary>
    private static bool IsNormal(ReadOnlySpan<char> path)
    {
        if (path.Length == 0 || path[0] != '/') return false;
        if (path.Length == 1) return true;
        var rest = path[1..];
        while (true)
        {
            int slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment.Length == 0 || segment is "." or "..") return false;
            if (slash < 0) return true;
            rest = rest[(slash + 1)..];
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="dir"/> or below it (both normalized).</summary>
    public static bool IsUnder(string path, string dir)
    {
        if (dir == "/") return path.StartsWith('/');
        return path.Length >= dir.Length && path.StartsWith(dir, StringComparison.Ordinal)
            && (path.Length == dir.Length || path[dir.Length] == '/');
    }
}
