using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// Writes programs in the pack format <see cref="KnowledgePackLoader"/> reads: what <c>interlock knowledge show</c>
/// prints, so a built-in program can be copied into a pack and changed. Only values that differ from a row's defaults
/// are written; strings are double-quoted (JSON escapes are valid YAML escapes).
/// </summary>
public static class KnowledgePackWriter
{
    public static string Write(IEnumerable<ProgramSpec> programs)
    {
        ArgumentNullException.ThrowIfNull(programs);
        var w = new StringBuilder("version: 1\nprograms:\n");
        foreach (var p in programs) WriteProgram(w, p);
        return w.ToString();
    }

    private static void WriteProgram(StringBuilder w, ProgramSpec p)
    {
        w.Append("  - names: [").AppendJoin(", ", p.Names.Select(Quote)).Append("]\n");
        if (p.StrictOptions) w.Append("    options: strict\n");
        Options(w, "flags", p.Flags);
        Options(w, "value_options", p.ValueOptions);
        Options(w, "pair_options", p.PairOptions);
        Options(w, "exec_options", p.ExecOptions);
        Options(w, "help_options", p.HelpOptions);
        if (!p.ShortFlagClusters) w.Append("    short_flag_clusters: false\n");
        if (p.DetectEnvironment) w.Append("    detect_environment: true\n");
        if (p.Semantics is { } s) w.Append("    semantics: ").Append(Quote(s)).Append('\n');
        w.Append("    rows:\n");
        // One row per line, as a flow mapping: a program's rows read as a table, and a diff shows the row that changed.
        foreach (var r in p.Rows)
        {
            var fields = new List<string>
            {
                "path: " + Quote(r.Path),
                "class: " + r.Class.WireName(),
                "reason: " + Quote(r.Reason),
            };
            Optional(fields, "any_flag", r.AnyFlag);
            Optional(fields, "no_flag", r.NoFlag);
            Optional(fields, "any_arg", r.AnyArg);
            if (!r.Targets) fields.Add("targets: false");
            Optional(fields, "target_options", r.TargetOptions);
            Optional(fields, "output_options", r.OutputOptions);
            if (r.OutputOperand is { } n) fields.Add("output_operand: " + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (r.PathTargets) fields.Add("path_targets: true");
            if (!r.ReadsContent) fields.Add("reads_content: false");
            if (r.Shared) fields.Add("shared: true");
            if (r.Irreversible) fields.Add("irreversible: true");
            if (r.MinTier is { } t) fields.Add("min_tier: " + t.WireName());
            Optional(fields, "tags", r.Tags.Length > 0 ? r.Tags : null);
            Optional(fields, "semantics", r.Semantics);
            w.Append("      - {").AppendJoin(", ", fields).Append("}\n");
        }
    }

    private static void Options(StringBuilder w, string key, string options)
    {
        if (options.Length == 0) return;
        var names = options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Select(Quote).ToList();
        w.Append("    ").Append(key).Append(": [");
        // Long grammars wrap at about 120 columns, so a pack stays readable and a diff names the options that changed.
        var column = 6 + key.Length;
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                w.Append(',');
                if (column + names[i].Length > 118)
                {
                    w.Append("\n      ");
                    column = 6;
                }
                else
                {
                    w.Append(' ');
                    column++;
                }
            }
            w.Append(names[i]);
            column += names[i].Length + 1;
        }
        w.Append("]\n");
    }

    private static void Optional(List<string> fields, string key, string? value)
    {
        if (value is not null) fields.Add(key + ": " + Quote(value));
    }

    private static string Quote(string s) => "\"" + JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
}
