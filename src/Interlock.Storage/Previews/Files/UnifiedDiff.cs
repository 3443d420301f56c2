using System.Text;

namespace Interlock.Storage.Previews.Files;

/// <summary>A unified diff of two texts and its line counts; <see cref="Capped"/> when it was cut at the size budget.</summary>
public sealed record DiffResult(string Text, int Added, int Removed, bool Capped);

/// <summary>
/// A unified diff (three lines of context) of a file's current and new text. Common leading and trailing lines are
/// set aside first; the middle is aligned by longest common subsequence when small enough, else shown as replaced.
/// </summary>
public static class UnifiedDiff
{
    /// <summary>Largest middle (old lines × new lines) aligned line by line; beyond it the middle is one replacement.</summary>
    private const long MaxCells = 4_000_000;
    private const int Context = 3;

    private enum Op { Same, Del, Add }

    public static DiffResult Compute(string oldText, string newText, string oldLabel, string newLabel, int maxBytes)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var script = Script(a, b);
        int added = script.Count(s => s.Op == Op.Add), removed = script.Count(s => s.Op == Op.Del);
        if (added == 0 && removed == 0) return new DiffResult("", 0, 0, false);

        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldLabel).Append('\n').Append("+++ ").Append(newLabel).Append('\n');
        bool capped = false;
        // Hunks: runs of changes with up to three lines of context either side, merged when they touch.
        int i = 0;
        while (i < script.Count && !capped)
        {
            while (i < script.Count && script[i].Op == Op.Same) i++;
            if (i >= script.Count) break;
            int start = Math.Max(0, i - Context), end = i;
            while (end < script.Count)
            {
                if (script[end].Op != Op.Same) { end++; continue; }
                int run = end;
                while (run < script.Count && script[run].Op == Op.Same) run++;
                if (run >= script.Count || run - end > 2 * Context) { end = Math.Min(script.Count, end + Context); break; }
                end = run;
            }
            int oldStart = script[start].OldLine, newStart = script[start].NewLine;
            int oldCount = script.Skip(start).Take(end - start).Count(s => s.Op != Op.Add);
            int newCount = script.Skip(start).Take(end - start).Count(s => s.Op != Op.Del);
            var hunk = new StringBuilder();
            hunk.Append($"@@ -{Range(oldStart, oldCount)} +{Range(newStart, newCount)} @@\n");
            for (int k = start; k < end; k++)
            {
                var s = script[k];
                hunk.Append(s.Op switch { Op.Same => ' ', Op.Del => '-', _ => '+' }).Append(s.Text).Append('\n');
            }
            if (Encoding.UTF8.GetByteCount(sb.ToString()) + Encoding.UTF8.GetByteCount(hunk.ToString()) > maxBytes)
            {
                // Keep whole lines of the hunk that fit, then say where it was cut.
                foreach (var line in hunk.ToString().Split('\n'))
                {
                    if (Encoding.UTF8.GetByteCount(sb.ToString()) + Encoding.UTF8.GetByteCount(line) + 1 > maxBytes) break;
                    sb.Append(line).Append('\n');
                }
                capped = true;
                break;
            }
            sb.Append(hunk);
            i = end;
        }
        if (capped) sb.Append($"… diff capped at {maxBytes:N0} bytes\n");
        return new DiffResult(sb.ToString(), added, removed, capped);
    }

    private static string Range(int start, int count) => count == 0 ? $"{start - 1},0" : count == 1 ? $"{start}" : $"{start},{count}";

    private static string[] Lines(string text)
    {
        if (text.Length == 0) return [];
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private readonly record struct Step(Op Op, string Text, int OldLine, int NewLine);

    private static List<Step> Script(string[] a, string[] b)
    {
        int pre = 0;
        while (pre < a.Length && pre < b.Length && a[pre] == b[pre]) pre++;
        int suf = 0;
        while (suf < a.Length - pre && suf < b.Length - pre && a[a.Length - 1 - suf] == b[b.Length - 1 - suf]) suf++;
        var steps = new List<Step>();
        int oi = 0, ni = 0;
        void Emit(Op op, string text)
        {
            // Line numbers are 1-based positions where this step sits in each file.
            steps.Add(new Step(op, text, oi + 1, ni + 1));
            if (op != Op.Add) oi++;
            if (op != Op.Del) ni++;
        }
        for (int k = 0; k < pre; k++) Emit(Op.Same, a[k]);
        int n = a.Length - pre - suf, m = b.Length - pre - suf;
        if ((long)n * m <= MaxCells && n > 0 && m > 0)
        {
            var lcs = new int[n + 1, m + 1];
            for (int x = n - 1; x >= 0; x--)
                for (int y = m - 1; y >= 0; y--)
                    lcs[x, y] = a[pre + x] == b[pre + y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
            int i = 0, j = 0;
            while (i < n || j < m)
            {
                if (i < n && j < m && a[pre + i] == b[pre + j]) { Emit(Op.Same, a[pre + i]); i++; j++; }
                else if (i < n && (j >= m || lcs[i + 1, j] >= lcs[i, j + 1])) { Emit(Op.Del, a[pre + i]); i++; }
                else { Emit(Op.Add, b[pre + j]); j++; }
            }
        }
        else
        {
            for (int k = 0; k < n; k++) Emit(Op.Del, a[pre + k]);
            for (int k = 0; k < m; k++) Emit(Op.Add, b[pre + k]);
        }
        for (int k = a.Length - suf; k < a.Length; k++) Emit(Op.Same, a[k]);
        return steps;
    }
}
