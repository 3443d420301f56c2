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

/// <summary>One program of a pack: the names it answers to, where it starts, and the expression that constructs it.</summary>
public sealed class CompiledProgram
{
    public CompiledProgram(IReadOnlyList<string> names, int line, int column, int index, string expression)
    {
        Names = names;
        Line = line;
        Column = column;
        Index = index;
        Expression = expression;
    }

    public IReadOnlyList<string> Names { get; }
    public int Line { get; }
    public int Column { get; }
    public int Index { get; }
    public string Expression { get; }
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
/// Turns one pack's YAML into a C# method returning its <c>ProgramSpec</c>s. The schema is the one
/// <c>KnowledgePackLoader</c> reads (a test compares the two on every built-in pack); names of classes and tiers are
/// checked here so a typo fails the build, and semantics handler names are checked by that test.
/// </summary>
public static class PackCompiler
{

    // Row keys and the CommandRow property each sets; path, class and reason go to the constructor.
    private static readonly Dictionary<string, string> PipeLists = new()
    {
        ["any_flag"] = "AnyFlag", ["no_flag"] = "NoFlag", ["any_arg"] = "AnyArg",
        ["target_options"] = "TargetOptions", ["output_options"] = "OutputOptions",
    };
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["targets"] = "Targets", ["path_targets"] = "PathTargets", ["reads_content"] = "ReadsContent",
        ["shared"] = "Shared", ["irreversible"] = "Irreversible",
    };

    private static readonly Dictionary<string, string> Classes = new()
    {
        ["read"] = "Read", ["create"] = "Create", ["update"] = "Update", ["delete"] = "Delete", ["destroy"] = "Destroy",
        ["history_rewrite"] = "HistoryRewrite", ["exec"] = "Exec", ["egress"] = "Egress", ["privilege"] = "Privilege",
        ["credential_read"] = "CredentialRead",
    };
    private static readonly Dictionary<string, string> Tiers = new()
    {
        ["read_only"] = "ReadOnly", ["write_autonomous"] = "WriteAutonomous", ["write_with_confirmation"] = "WriteWithConfirmation", ["never"] = "Never",
    };

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
            foreach (var entry in map.Children)
            {
                var key = Key(entry.Key);
                switch (key)
                {
                    case "names": names = Words(entry.Value, key, ' '); break;
                    case "options":
                        var mode = Scalar(entry.Value, key);
                        if (mode == "strict") init.Add("StrictOptions = true");
                        else if (mode != "lenient" && mode != null) Error(entry.Value.Start, "expected strict or lenient for 'options', got '" + mode + "'");
                        break;
                    case "flags": init.Add("Flags = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "value_options": init.Add("ValueOptions = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "exec_options": init.Add("ExecOptions = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "help_options": init.Add("HelpOptions = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "pair_options": init.Add("PairOptions = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "short_flag_clusters": init.Add("ShortFlagClusters = " + Bool(entry.Value, key)); break;
                    case "detect_environment": init.Add("DetectEnvironment = " + Bool(entry.Value, key)); break;
                    case "semantics": init.Add("Semantics = " + Literal(Scalar(entry.Value, key) ?? "")); break;
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
            var body = new StringBuilder();
            body.Append("new global::Interlock.Knowledge.ProgramSpec(").Append(Literal(names!)).Append(",\n");
            body.Append("        [\n");
            foreach (var row in rows) body.Append("            ").Append(row).Append(",\n");
            body.Append("        ])");
            if (init.Count > 0) body.Append("\n        { ").Append(string.Join(", ", init)).Append(" }");
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
                if (PipeLists.TryGetValue(key, out var pipeProperty)) init.Add(pipeProperty + " = " + Literal(Words(entry.Value, key, '|') ?? ""));
                else if (Flags.TryGetValue(key, out var flagProperty)) init.Add(flagProperty + " = " + Bool(entry.Value, key));
                else switch (key)
                {
                    case "path": path = Words(entry.Value, key, '|') ?? ""; break;
                    case "class":
                        classGiven = true;
                        cls = Named(entry.Value, key, Classes);
                        break;
                    case "reason": reason = Scalar(entry.Value, key); break;
                    case "tags": init.Add("Tags = " + Literal(Words(entry.Value, key, ' ') ?? "")); break;
                    case "semantics": init.Add("Semantics = " + Literal(Scalar(entry.Value, key) ?? "")); break;
                    case "min_tier":
                        if (Named(entry.Value, key, Tiers) is string tier) init.Add("MinTier = global::Interlock.Risk.Tier." + tier);
                        break;
                    case "output_operand":
                        var text = Scalar(entry.Value, key);
                        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                            init.Add("OutputOperand = " + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        else Error(entry.Value.Start, "'output_operand' must be a positive whole number, got '" + text + "'");
                        break;
                    default: Unknown(entry.Key, key, "in a row", PackSchema.RowKeys); break;
                }
            }
            if (path is null) Error(map.Start, "a row needs 'path'");
            if (!classGiven) Error(map.Start, "a row needs 'class'");
            if (string.IsNullOrWhiteSpace(reason)) Error(map.Start, "a row needs 'reason'");
            if (path is null || cls is null || string.IsNullOrWhiteSpace(reason)) return null;
            var row = "new global::Interlock.Knowledge.CommandRow(" + Literal(path) + ", global::Interlock.Actions.OperationClass." + cls + ", " + Literal(reason!) + ")";
            return init.Count == 0 ? row : row + " { " + string.Join(", ", init) + " }";
        }

        private string? Named(YamlNode node, string field, Dictionary<string, string> names)
        {
            var value = Scalar(node, field);
            if (value is null) return null;
            if (names.TryGetValue(value, out var member)) return member;
            Error(node.Start, "unknown " + field + " '" + value + "'; expected one of " + string.Join(", ", names.Keys));
            return null;
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
