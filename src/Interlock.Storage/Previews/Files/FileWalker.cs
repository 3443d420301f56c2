using System.Text.RegularExpressions;

namespace Interlock.Storage.Previews.Files;

/// <summary>A file an action would touch, found on disk.</summary>
public sealed record FoundFile(string Path, long Bytes);

/// <summary>What a walk found: the files, targets that matched nothing, and whether it stopped at the entry budget.</summary>
public sealed record WalkResult(IReadOnlyList<FoundFile> Files, IReadOnlyList<string> Missing, bool Stopped);

/// <summary>
/// Expands targets the way the shell and a recursive delete would: glob characters (<c>*</c>, <c>?</c>, <c>[…]</c>) in
/// any segment, then every file below a directory. Symbolic links count as one file and are never followed. Stops at
/// the entry budget.
/// </summary>
public sealed class FileWalker(long maxEntries, CancellationToken cancellationToken)
{
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
    private readonly List<FoundFile> _files = [];
    private readonly List<string> _missing = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private long _entries;

    public bool Stopped { get; private set; }

    public WalkResult Walk(IEnumerable<string> targets)
    {
        foreach (var t in targets)
        {
            if (Stopped) break;
            var matches = Expand(t).ToList();
            if (matches.Count == 0) _missing.Add(t);
            foreach (var m in matches) Add(m);
        }
        return new WalkResult(_files, _missing, Stopped);
    }

    private static bool IsGlob(string s) => s.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    /// <summary>The existing paths <paramref name="target"/> names, globs expanded segment by segment.</summary>
    private IEnumerable<string> Expand(string target)
    {
        if (!IsGlob(target)) return Exists(target) ? [target] : [];
        var segments = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> current = ["/"];
        foreach (var seg in segments)
        {
            if (!IsGlob(seg)) { current = current.Select(c => Path.Combine(c, seg)).Where(Exists); continue; }
            var pattern = Pattern(seg);
            bool hidden = seg.StartsWith('.');
            current = current.Where(Directory.Exists).SelectMany(dir =>
                Directory.EnumerateFileSystemEntries(dir, "*", Everything)
                    .Where(e => { var name = Path.GetFileName(e); return (hidden || !name.StartsWith('.')) && pattern.IsMatch(name); })
                    .Order(StringComparer.Ordinal)).ToList();
        }
        return current;
    }

    private static bool Exists(string p) => File.Exists(p) || Directory.Exists(p) || IsLink(p);

    /// <summary>Whether <paramref name="p"/> is a symbolic link, dangling ones included (which File.Exists misses).</summary>
    internal static bool IsLink(string p)
    {
        try { return File.ResolveLinkTarget(p, false) is not null; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>One glob segment as a regular expression over a file name.</summary>
    internal static Regex Pattern(string glob)
    {
        var sb = new System.Text.StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[' && glob.IndexOf(']', i + 1) is var end && end > i + 1)
            {
                var body = glob[(i + 1)..end];
                if (body.StartsWith('!')) body = "^" + body[1..];
                sb.Append('[').Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                i = end;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private void Add(string path)
    {
        var stack = new Stack<string>();
        stack.Push(path);
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var p = stack.Pop();
            if (++_entries > maxEntries) { Stopped = true; return; }
            var info = new FileInfo(p);
            if (IsLink(p)) { Found(p, 0); continue; }
            if (Directory.Exists(p))
            {
                foreach (var e in Directory.EnumerateFileSystemEntries(p, "*", Everything).Order(StringComparer.Ordinal).Reverse()) stack.Push(e);
                continue;
            }
            if (info.Exists) Found(p, info.Length);
        }
    }

    private void Found(string path, long bytes)
    {
        if (_seen.Add(path)) _files.Add(new FoundFile(path, bytes));
    }
}
