using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Interlock.Knowledge.Packs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Interlock.Knowledge.Generator;

/// <summary>One pack compiled: its file name, each program's names and the C# expression that builds it, or the errors that stop it.</summary>
public sealed class CompiledPack
{
    public CompiledPack(string file, string path, IReadOnlyList<CompiledProgram> programs, IReadOnlyList<PackError> errors)
    {
        File = file;
        Path = path;
        Programs = programs;
        Errors = errors;
    }

    public string File { get; }
    public string Path { get; }
    public IReadOnlyList<CompiledProgram> Programs { get; }
    public IReadOnlyList<PackError> Errors { get; }
}

/// <summary>One program of a pack: the names it answers to, where it starts, and its fields encoded for <c>BuiltinPackReader</c>.</summary>
public sealed class CompiledProgram
{
    public CompiledProgram(IReadOnlyList<string> names, int line, int column, int index, string data)
    {
        Names = names;
        Line = line;
        Column = column;
        Index = index;
        Data = data;
    }

    public IReadOnlyList<string> Names { get; }
    public int Line { get; }
    public int Column { get; }
    public int Index { get; }
    public string Data { get; }
}

/// <summary>A problem in a built-in pack, at its place in the file.</summary>
public sealed class PackError
{
    public PackError(string path, int line, int column, int index, string message)
    {
        Path = path;
        Line = line;
        Column = column;
        Index = index;
        Message = message;
    }

    public string Path { get; }
    public int Line { get; }
    public int Column { get; }
    public int Index { get; }
    public string Message { get; }
}

/// <summary>
/// Turns one pack's YAML into each program's fields as compact text that <c>BuiltinPackReader</c> decodes on first
/// lookup (see <c>PackData</c>): data in the image rather than one large constructor method per program, which
/// ReadyToRun code would have to bind string by string when a process first asks for the program. The schema is the one
/// <c>KnowledgePackLoader</c> reads (a test compares the two on every built-in pack); names of classes and tiers are
/// checked here so a typo fails the build, and semantics handler names are checked by that test.
/// </summary>
public static class PackCompiler
{

    // Row keys and the field code (see PackData) each is written under; path, class and reason come first, in order.
    private static readonly Dictionary<string, char> PipeLists = new()
    {
        ["any_flag"] = PackData.AnyFlag, ["no_flag"] = PackData.NoFlag, ["any_arg"] = PackData.AnyArg,
        ["target_options"] = PackData.TargetOptions, ["output_options"] = PackData.OutputOptions,
    };
    private static readonly Dictionary<string, char> Flags = new()
    {
        ["targets"] = PackData.Targets, ["path_targets"] = PackData.PathTargets, ["reads_content"] = PackData.ReadsContent,
        ["shared"] = PackData.Shared, ["irreversible"] = PackData.Irreversible,
    };

    /// <summary>Class names in the packs and the <c>OperationClass</c> member of each; a row stores the position in this list.</summary>
    public static readonly KeyValuePair<string, string>[] Classes =
    [
        new("read", "Read"), new("create", "Create"), new("update", "Update"), new("delete", "Delete"), new("destroy", "Destroy"),
        new("history_rewrite", "HistoryRewrite"), new("exec", "Exec"), new("egress", "Egress"), new("privilege", "Privilege"),
        new("credential_read", "CredentialRead"),
    ];

    /// <summary>Tier names in the packs and the <c>Tier</c> member of each; a row stores the position in this list.</summary>
    public static readonly KeyValuePair<string, string>[] Tiers =
    [
        new("read_only", "ReadOnly"), new("write_autonomous", "WriteAutonomous"), new("write_with_confirmation", "WriteWithConfirmation"), new("never", "Never"),
    ];

    public static CompiledPack Compile(string file, string path, string text)
    {
        var reader = new Reader(path);
        var programs = reader.Run(text);
        return new CompiledPack(file, path, programs, reader.Errors);
    }

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    private sealed class Reader
    {
        private readonly string _path;
        private readonly List<PackError> _errors = new();

        public Reader(string path) => _path = path;

        public IReadOnlyList<PackError> Errors => _errors;

        public IReadOnlyList<CompiledProgram> Run(string text)
        {
            var programs = new List<CompiledProgram>();
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                Error(ex.Start, ex.Message);
                return programs;
            }
            if (stream.Documents.Count == 0 || !(stream.Documents[0].RootNode is YamlMappingNode root))
            {
                _errors.Add(new PackError(_path, 1, 1, 0, "expected a mapping with version and programs at the top level"));
                return programs;
            }
            foreach (var entry in root.Children)
            {
                var key = Key(entry.Key);
                if (key == "version")
                {
                    if (Scalar(entry.Value, "version") != "1") Error(entry.Value.Start, "expected version: 1");
                }
                else if (key == "programs")
                {
                    foreach (var program in Items(entry.Value, "programs"))
                        if (Program(program) is CompiledProgram compiled) programs.Add(compiled);
                }
                else if (key != "tests") Unknown(entry.Key, key, "at the top level", PackSchema.TopKeys);
            }
            return programs;
        }

        private CompiledProgram? Program(YamlNode node)
        {
            if (!(node is YamlMappingNode map))
            {
                Error(node.Start, "expected a program (a mapping with names and rows)");
                return null;
            }
            string? names = null;
            var init = new List<string>();
            var rows = new List<string>();
            var start = _errors.Count;
            foreach (var entry in map.Children)
            {
                var key = Key(entry.Key);
                switch (key)
                {
                    case "names": names = Words(entry.Value, key, ' '); break;
                    case "options":
                        var mode = Scalar(entry.Value, key);
                        if (mode == "strict") init.Add(PackData.Strict + "true");
                        else if (mode != "lenient" && mode != null) Error(entry.Value.Start, "expected strict or lenient for 'options', got '" + mode + "'");
                        break;
                    case "flags": init.Add(Field(PackData.Flags, entry.Value, Words(entry.Value, key, ' '))); break;
                    case "value_options": init.Add(Field(PackData.ValueOptions, entry.Value, Words(entry.Value, key, ' '))); break;
                    case "exec_options": init.Add(Field(PackData.ExecOptions, entry.Value, Words(entry.Value, key, ' '))); break;
                    case "pair_options": init.Add(Field(PackData.PairOptions, entry.Value, Words(entry.Value, key, ' '))); break;
                    case "short_flag_clusters": init.Add(PackData.ShortFlagClusters + Bool(entry.Value, key)); break;
                    case "detect_environment": init.Add(PackData.DetectEnvironment + Bool(entry.Value, key)); break;
                    case "semantics": init.Add(Field(PackData.Semantics, entry.Value, Scalar(entry.Value, key))); break;
                    case "rows":
                        foreach (var row in Items(entry.Value, "rows")) if (Row(row) is string r) rows.Add(r);
                        break;
                    default: Unknown(entry.Key, key, "in a program", PackSchema.ProgramKeys); break;
                }
            }
            if (string.IsNullOrWhiteSpace(names))
            {
                Error(map.Start, "a program needs 'names'");
                return null;
            }
            // The program's own fields (names first), then each row after a row separator.
            var body = new StringBuilder(Clean(map, names!));
            foreach (var field in init) body.Append(PackData.FieldSeparator).Append(field);
            foreach (var row in rows) body.Append(PackData.RowSeparator).Append(row);
            var nameList = names!.Split(new[] { ' ' }, System.StringSplitOptions.RemoveEmptyEntries);
            return new CompiledProgram(nameList, (int)map.Start.Line, (int)map.Start.Column, (int)map.Start.Index, body.ToString());
        }

        private string? Row(YamlNode node)
        {
            if (!(node is YamlMappingNode map))
            {
                Error(node.Start, "expected a row (a mapping with path, class and reason)");
                return null;
            }
            string? path = null, cls = null, reason = null;
            var classGiven = false;
            var init = new List<string>();
            foreach (var entry in map.Children)
            {
                var key = Key(entry.Key);
                if (key is null) continue;
                if (PipeLists.TryGetValue(key, out var pipeCode)) init.Add(Field(pipeCode, entry.Value, Words(entry.Value, key, '|')));
                else if (Flags.TryGetValue(key, out var flagCode)) init.Add(flagCode + Bool(entry.Value, key));
                else switch (key)
                {
                    case "path": path = Clean(entry.Value, Words(entry.Value, key, '|') ?? ""); break;
                    case "class":
                        classGiven = true;
                        cls = Named(entry.Value, key, Classes);
                        break;
                    case "reason": reason = Scalar(entry.Value, key) is string r ? Clean(entry.Value, r) : null; break;
                    case "tags": init.Add(Field(PackData.Tags, entry.Value, Words(entry.Value, key, ' '))); break;
                    case "semantics": init.Add(Field(PackData.Semantics, entry.Value, Scalar(entry.Value, key))); break;
                    case "min_tier":
                        if (Named(entry.Value, key, Tiers) is string tier) init.Add(PackData.MinTier + tier);
                        break;
                    case "output_operand":
                        var text = Scalar(entry.Value, key);
                        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                            init.Add(PackData.OutputOperand + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        else Error(entry.Value.Start, "'output_operand' must be a positive whole number, got '" + text + "'");
                        break;
                    default: Unknown(entry.Key, key, "in a row", PackSchema.RowKeys); break;
                }
            }
            if (path is null) Error(map.Start, "a row needs 'path'");
            if (!classGiven) Error(map.Start, "a row needs 'class'");
            if (string.IsNullOrWhiteSpace(reason)) Error(map.Start, "a row needs 'reason'");
            if (path is null || cls is null || string.IsNullOrWhiteSpace(reason)) return null;
            var row = new StringBuilder(path).Append(PackData.FieldSeparator).Append(cls).Append(PackData.FieldSeparator).Append(reason);
            foreach (var field in init) row.Append(PackData.FieldSeparator).Append(field);
            return row.ToString();
        }

        /// <summary>The position of <paramref name="node"/>'s value in <paramref name="names"/>, as text, or null (an error) when it is not there.</summary>
        private string? Named(YamlNode node, string field, KeyValuePair<string, string>[] names)
        {
            var value = Scalar(node, field);
            if (value is null) return null;
            for (var i = 0; i < names.Length; i++)
                if (names[i].Key == value) return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Error(node.Start, "unknown " + field + " '" + value + "'; expected one of " + string.Join(", ", names.Select(n => n.Key)));
            return null;
        }

        /// <summary>A field: its code, then its text (empty when the key had no usable value, as the loader reads it).</summary>
        private string Field(char code, YamlNode node, string? value) => code + Clean(node, value ?? "");

        /// <summary>The text itself, or an error when it holds a separator of the encoding (no pack text needs one).</summary>
        private string Clean(YamlNode node, string value)
        {
            if (value.IndexOf(PackData.FieldSeparator) >= 0 || value.IndexOf(PackData.RowSeparator) >= 0)
                Error(node.Start, "control characters U+001E and U+001F are not allowed in a built-in pack");
            return value;
        }

        private IEnumerable<YamlNode> Items(YamlNode node, string field)
        {
            if (node is YamlSequenceNode seq) return seq.Children;
            Error(node.Start, "expected a list for '" + field + "'");
            return Enumerable.Empty<YamlNode>();
        }

        private string? Words(YamlNode node, string field, char separator)
        {
            if (node is YamlScalarNode) return Scalar(node, field);
            if (node is YamlSequenceNode seq) return string.Join(separator.ToString(), seq.Children.Select(c => Scalar(c, field)).Where(s => s != null));
            Error(node.Start, "expected a string or a list of strings for '" + field + "'");
            return null;
        }

        private string? Scalar(YamlNode node, string field)
        {
            if (node is YamlScalarNode scalar && scalar.Value != null) return scalar.Value;
            Error(node.Start, "expected a string for '" + field + "'");
            return null;
        }

        private string Bool(YamlNode node, string field)
        {
            var value = Scalar(node, field);
            if (value == "true" || value == "false") return value;
            Error(node.Start, "expected true or false for '" + field + "', got '" + value + "'");
            return "false";
        }

        private string? Key(YamlNode node)
        {
            if (node is YamlScalarNode scalar && scalar.Value != null) return scalar.Value;
            Error(node.Start, "expected a plain key");
            return null;
        }

        private void Unknown(YamlNode node, string? key, string where, string[] known)
        {
            if (key != null) Error(node.Start, "unknown key '" + key + "' " + where + "; expected one of " + string.Join(", ", known));
        }

        private void Error(Mark mark, string message) =>
            _errors.Add(new PackError(_path, (int)System.Math.Max(1, mark.Line), (int)System.Math.Max(1, mark.Column), (int)System.Math.Max(0, mark.Index), message));
    }
}
