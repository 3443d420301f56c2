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
        if (p.ValueOptions.Length > 0)
            w.Append("    value_options: [").AppendJoin(", ", p.ValueOptions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Select(Quote)).Append("]\n");
        if (!p.ShortFlagClusters) w.Append("    short_flag_clusters: false\n");
        if (p.DetectEnvironment) w.Append("    detect_environment: true\n");
        if (p.Semantics is { } s) w.Append("    semantics: ").Append(Quote(s)).Append('\n');
        w.Append("    rows:\n");
        foreach (var r in p.Rows)
        {
            w.Append("      - path: ").Append(Quote(r.Path)).Append('\n');
            w.Append("        class: ").Append(r.Class.WireName()).Append('\n');
            w.Append("        reason: ").Append(Quote(r.Reason)).Append('\n');
            Optional(w, "any_flag", r.AnyFlag);
            Optional(w, "no_flag", r.NoFlag);
            Optional(w, "any_arg", r.AnyArg);
            if (!r.Targets) w.Append("        targets: false\n");
            Optional(w, "target_options", r.TargetOptions);
            Optional(w, "output_options", r.OutputOptions);
            if (r.OutputOperand is { } n) w.Append("        output_operand: ").Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            if (r.PathTargets) w.Append("        path_targets: true\n");
            if (!r.ReadsContent) w.Append("        reads_content: false\n");
            if (r.Shared) w.Append("        shared: true\n");
            if (r.Irreversible) w.Append("        irreversible: true\n");
            if (r.MinTier is { } t) w.Append("        min_tier: ").Append(t.WireName()).Append('\n');
            Optional(w, "tags", r.Tags.Length > 0 ? r.Tags : null);
            Optional(w, "semantics", r.Semantics);
        }
    }

    private static void Optional(StringBuilder w, string key, string? value)
    {
        if (value is not null) w.Append("        ").Append(key).Append(": ").Append(Quote(value)).Append('\n');
    }

    private static string Quote(string s) => "\"" + JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
}
