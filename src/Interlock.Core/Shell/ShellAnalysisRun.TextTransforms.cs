using System.Text;

namespace Interlock.Shell;

// Text tools whose output follows from known input: `$(echo asr_di/hss./… | rev)` is a path the analysis can know,
// so a name spelled backwards, rot13'd or cut from a path is computed, not left unknown.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Longest input a transform computes; longer text stays unknown (it is no path or command anyway).</summary>
    private const int MaxTransformed = 4096;

    /// <summary>What <c>rev</c>, <c>tac</c> or <c>tr SET1 SET2</c> prints for known input without file operands, or null.</summary>
    private static string? TransformedInput(SemanticsCall c)
    {
        if (c.Op.Targets.Count > 0 || c.Ctx.Stdin is not { Kind: StreamKind.Literal, Text: { } input } || input.Length > MaxTransformed) return null;
        var lines = input.EndsWith('\n') ? input[..^1].Split('\n') : input.Split('\n');
        switch (c.Op.Program)
        {
            case "rev" when c.Inv.Args.Count == 0:
                return string.Join('\n', lines.Select(l => { var a = l.ToCharArray(); Array.Reverse(a); return new string(a); })) + "\n";
            case "tac" when c.Inv.Args.Count == 0:
                return string.Join('\n', lines.Reverse()) + "\n";
            case "tr" when c.Inv.Args.Count == 2 && !c.Inv.Args.Any(a => a.Dynamic || a.Text.StartsWith('-')):
            {
                var from = TrSet(c.Inv.Args[0].Text);
                var to = TrSet(c.Inv.Args[1].Text);
                if (from is null || to is null || to.Length == 0) return null;
                var sb = new StringBuilder(input.Length);
                foreach (var ch in input)
                {
                    int at = from.LastIndexOf(ch);
                    sb.Append(at < 0 ? ch : to[Math.Min(at, to.Length - 1)]);
                }
                return sb.ToString();
            }
            default:
                return null;
        }
    }

    /// <summary>A tr set of plain characters and ranges (<c>a-z</c>); classes, escapes and repeats are not computed (null).</summary>
    private static string? TrSet(string set)
    {
        if (set.AsSpan().IndexOfAny("[\\") >= 0) return null;
        var sb = new StringBuilder();
        for (int i = 0; i < set.Length; i++)
        {
            if (i + 2 < set.Length && set[i + 1] == '-' && set[i] <= set[i + 2])
            {
                for (char ch = set[i]; ch <= set[i + 2]; ch++) sb.Append(ch);
                i += 2;
            }
            else sb.Append(set[i]);
            if (sb.Length > 512) return null;
        }
        return sb.ToString();
    }

    /// <summary><c>dirname</c> and <c>basename</c> of known operands: text computed from the path, no file is read.</summary>
    internal StreamSource? PathText(SemanticsCall c)
    {
        var operands = c.Inv.Positionals;
        if (operands.Count == 0 || operands.Any(p => p.Dynamic) || c.Inv.Args.Any(a => a.Text.StartsWith('-'))) return StreamSource.Unknown;
        if (c.Op.Program == "basename")
        {
            var name = operands[0].Text.TrimEnd('/');
            name = name.Length == 0 ? "/" : name[(name.LastIndexOf('/') + 1)..];
            if (operands.Count == 2 && name.Length > operands[1].Text.Length && name.EndsWith(operands[1].Text, StringComparison.Ordinal))
                name = name[..^operands[1].Text.Length];
            return operands.Count <= 2 ? new StreamSource(StreamKind.Literal, name + "\n") : StreamSource.Unknown;
        }
        var lines = new StringBuilder();
        foreach (var p in operands)
        {
            var path = p.Text.TrimEnd('/');
            int slash = path.LastIndexOf('/');
            var dir = slash < 0 ? (p.Text.StartsWith('/') ? "/" : ".") : slash == 0 ? "/" : path[..slash].TrimEnd('/');
            lines.Append(dir.Length == 0 ? "/" : dir).Append('\n');
        }
        return new StreamSource(StreamKind.Literal, lines.ToString());
    }
}
