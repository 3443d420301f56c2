using System.Security.Cryptography;
using System.Text;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// Reads a knowledge pack (YAML): <c>version: 1</c>, <c>programs:</c> (each with <c>names</c>, option grammar and
/// <c>rows</c>) and <c>tests:</c>. Strict: an unknown key, a wrong type, an unknown class, tier or semantics handler is an
/// error at its <c>file:line:col</c>, and a pack with any error is not used (fail closed). No I/O: the caller reads the file.
/// </summary>
public static class KnowledgePackLoader
{
    public const int MaxTextLength = 4 * 1024 * 1024;
    private const int MaxDepth = 16;
    private const int MaxNodes = 400_000;


    public static PackLoadResult Load(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Reader(text, file).Run();
    }

    private sealed class Reader(string text, string file)
    {
        private readonly List<PackError> _errors = [];

        public PackLoadResult Run()
        {
            if (text.Length > MaxTextLength) return Fail(1, 1, $"the pack is {text.Length} characters long; expected at most {MaxTextLength}");
            if (YamlPrescan.Load(text, "knowledge pack", "knowledge packs", MaxDepth, MaxNodes, Error) is not { } stream) return Failed();
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                return Fail(1, 1, "expected a mapping with version, programs and tests at the top level");

            YamlNode? version = null, programsNode = null, testsNode = null;
            foreach (var (keyNode, value) in root.Children)
            {
                switch (Key(keyNode))
                {
                    case "version": version = value; break;
                    case "programs": programsNode = value; break;
                    case "tests": testsNode = value; break;
                    case var other: Unknown(keyNode, other, "at the top level", PackSchema.TopKeys); break;
                }
            }
            if (version is null) Error(root, "missing 'version'; expected version: 1");
            else if (Scalar(version, "version") is { } v && v != "1") Error(version, $"unsupported version '{v}'; expected 1");

            var programs = new List<ProgramSpec>();
            var names = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var node in Items(programsNode, "programs"))
                if (ReadProgram(node, names) is { } spec) programs.Add(spec);
            var tests = new List<PackTest>();
            foreach (var node in Items(testsNode, "tests"))
                if (ReadTest(node) is { } test) tests.Add(test);
            if (programsNode is null && testsNode is null) Error(root, "the pack has neither 'programs' nor 'tests'");

            if (_errors.Count > 0) return Failed();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            return new PackLoadResult(new KnowledgePack(file, hash, programs, tests), []);
        }

        private ProgramSpec? ReadProgram(YamlNode node, Dictionary<string, YamlNode> seen)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"expected a program (a mapping with names and rows), found {Kind(node)}");
                return null;
            }
            string? names = null, flags = null, valueOptions = null, pairOptions = null, execOptions = null, semantics = null;
            bool clusters = true, environment = false, strict = false;
            var rows = new List<CommandRow>();
            YamlNode? rowsNode = null;
            foreach (var (keyNode, value) in map.Children)
            {
                switch (Key(keyNode))
                {
                    case "names": names = Words(value, "names", ' '); break;
                    case "options":
                        switch (Scalar(value, "options"))
                        {
                            case "strict": strict = true; break;
                            case "lenient" or null: break;
                            case var other: Error(value, $"expected strict or lenient for 'options', got '{other}'"); break;
                        }
                        break;
                    case "flags": flags = Words(value, "flags", ' '); break;
                    case "value_options": valueOptions = Words(value, "value_options", ' '); break;
                    case "exec_options": execOptions = Words(value, "exec_options", ' '); break;
                    case "pair_options": pairOptions = Words(value, "pair_options", ' '); break;
                    case "short_flag_clusters": clusters = Bool(value, "short_flag_clusters") ?? true; break;
                    case "detect_environment": environment = Bool(value, "detect_environment") ?? false; break;
                    case "semantics": semantics = Handler(value); break;
                    case "rows": rowsNode = value; break;
                    case var other: Unknown(keyNode, other, "in a program", PackSchema.ProgramKeys); break;
                }
            }
            if (string.IsNullOrWhiteSpace(names))
            {
                Error(map, "a program needs 'names' (the program names it describes)");
                return null;
            }
            foreach (var name in names.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Wrappers.All.Any(w => w.Names.Contains(name, StringComparer.Ordinal)))
                    Error(map, $"'{name}' is a wrapper (it runs another command); packs describe programs, not wrappers");
                else if (!seen.TryAdd(name, map))
                    Error(map, $"program '{name}' is described twice in this pack (first at line {seen[name].Start.Line})");
            }
            if (rowsNode is null) Error(map, $"program '{names}' has no 'rows'; an unknown verb would have nothing to match");
            foreach (var rowNode in Items(rowsNode, "rows"))
                if (ReadRow(rowNode) is { } row) rows.Add(row);
            return new ProgramSpec(names, [.. rows])
            {
                Flags = flags ?? "", ValueOptions = valueOptions ?? "", PairOptions = pairOptions ?? "", ExecOptions = execOptions ?? "", StrictOptions = strict,
                ShortFlagClusters = clusters, Semantics = semantics, DetectEnvironment = environment,
            };
        }

        private CommandRow? ReadRow(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"expected a row (a mapping with path, class and reason), found {Kind(node)}");
                return null;
            }
            var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Key(keyNode);
                if (key is null) continue;
                if (Array.IndexOf(PackSchema.RowKeys, key) < 0) Unknown(keyNode, key, "in a row", PackSchema.RowKeys);
                else values[key] = value;
            }
            string? Str(string key, char separator = '|') => values.TryGetValue(key, out var v) ? Words(v, key, separator) : null;
            bool? Flag(string key) => values.TryGetValue(key, out var v) ? Bool(v, key) : null;

            var path = values.ContainsKey("path") ? Str("path") ?? "" : null;
            if (path is null) Error(map, "a row needs 'path' (subcommand globs, \"\" for the program itself)");
            OperationClass? cls = null;
            if (!values.TryGetValue("class", out var classNode)) Error(map, "a row needs 'class' (" + string.Join(", ", OperationClasses.Names) + ")");
            else if (Scalar(classNode, "class") is { } c)
            {
                var index = Array.IndexOf(OperationClasses.Names, c);
                if (index < 0) Error(classNode, $"unknown class '{c}'; expected one of {string.Join(", ", OperationClasses.Names)}");
                else cls = (OperationClass)index;
            }
            var reason = values.TryGetValue("reason", out var reasonNode) ? Scalar(reasonNode, "reason") : null;
            if (string.IsNullOrWhiteSpace(reason)) Error(map, "a row needs 'reason' (what it does, as a person reads it)");
            Tier? minTier = null;
            if (values.TryGetValue("min_tier", out var tierNode) && Scalar(tierNode, "min_tier") is { } t)
            {
                if (Tiers.TryParse(t, out var tier)) minTier = tier;
                else Error(tierNode, $"unknown tier '{t}'; expected read_only, write_autonomous, write_with_confirmation or never");
            }
            int? outputOperand = null;
            if (values.TryGetValue("output_operand", out var operandNode) && Scalar(operandNode, "output_operand") is { } o)
            {
                if (int.TryParse(o, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1) outputOperand = n;
                else Error(operandNode, $"'output_operand' must be a positive whole number, got '{o}'");
            }
            string? semantics = values.TryGetValue("semantics", out var semanticsNode) ? Handler(semanticsNode) : null;
            if (path is null || cls is null || string.IsNullOrWhiteSpace(reason)) return null;
            return new CommandRow(path, cls.Value, reason)
            {
                AnyFlag = Str("any_flag"), NoFlag = Str("no_flag"), AnyArg = Str("any_arg"),
                Targets = Flag("targets") ?? true, TargetOptions = Str("target_options"), OutputOptions = Str("output_options"),
                OutputOperand = outputOperand, PathTargets = Flag("path_targets") ?? false, ReadsContent = Flag("reads_content") ?? true,
                Shared = Flag("shared") ?? false, Irreversible = Flag("irreversible") ?? false, MinTier = minTier,
                Tags = Str("tags", ' ') ?? "", Semantics = semantics,
            };
        }

        private PackTest? ReadTest(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"expected a test (a mapping with command and decision), found {Kind(node)}");
                return null;
            }
            string? command = null, cwd = null;
            Outcome? decision = null;
            OperationClass? cls = null;
            foreach (var (keyNode, value) in map.Children)
            {
                switch (Key(keyNode))
                {
                    case "command": command = Scalar(value, "command"); break;
                    case "cwd":
                        cwd = Scalar(value, "cwd");
                        if (cwd is not null && !cwd.StartsWith('/')) Error(value, $"'cwd' must be an absolute path, got '{cwd}'");
                        break;
                    case "decision":
                        if (Scalar(value, "decision") is { } d)
                        {
                            if (Outcomes.TryParse(d, out var outcome)) decision = outcome;
                            else Error(value, $"unknown decision '{d}'; expected allow, allow_with_constraints, require_approval or deny");
                        }
                        break;
                    case "class":
                        if (Scalar(value, "class") is { } c)
                        {
                            var index = Array.IndexOf(OperationClasses.Names, c);
                            if (index < 0) Error(value, $"unknown class '{c}'; expected one of {string.Join(", ", OperationClasses.Names)}");
                            else cls = (OperationClass)index;
                        }
                        break;
                    case var other: Unknown(keyNode, other, "in a test", PackSchema.TestKeys); break;
                }
            }
            if (string.IsNullOrWhiteSpace(command)) Error(map, "a test needs 'command'");
            else if (decision is null && cls is null) Error(map, "a test needs 'decision' or 'class' (what the command must get)");
            return string.IsNullOrWhiteSpace(command) || (decision is null && cls is null) ? null
                : new PackTest(command, decision, cls, cwd, (int)map.Start.Line, (int)map.Start.Column);
        }

        private string? Handler(YamlNode node)
        {
            if (Scalar(node, "semantics") is not { } name) return null;
            if (!Shell.ProgramSemantics.Names.Contains(name, StringComparer.Ordinal))
                Error(node, $"unknown semantics handler '{name}'; handlers are code in Interlock, named by the built-in packs (see `interlock knowledge show`)");
            return name;
        }

        private IEnumerable<YamlNode> Items(YamlNode? node, string field)
        {
            if (node is null || IsNull(node)) return [];
            if (node is YamlSequenceNode seq) return seq.Children;
            Error(node, $"expected a list for '{field}', found {Kind(node)}");
            return [];
        }

        /// <summary>A string, or a list of strings joined by <paramref name="separator"/> (paths and flags by '|', names by ' ').</summary>
        private string? Words(YamlNode node, string field, char separator)
        {
            if (node is YamlScalarNode) return Scalar(node, field);
            if (node is YamlSequenceNode seq)
            {
                var parts = new List<string>();
                foreach (var item in seq.Children)
                    if (Scalar(item, field) is { } s) parts.Add(s);
                return string.Join(separator, parts);
            }
            Error(node, $"expected a string or a list of strings for '{field}', found {Kind(node)}");
            return null;
        }

        private string? Scalar(YamlNode node, string field)
        {
            if (node is YamlScalarNode { Value: { } v }) return v;
            Error(node, $"expected a string for '{field}', found {Kind(node)}");
            return null;
        }

        private bool? Bool(YamlNode node, string field)
        {
            switch (Scalar(node, field))
            {
                case "true": return true;
                case "false": return false;
                case null: return null;
                case var other:
                    Error(node, $"expected true or false for '{field}', got '{other}'");
                    return null;
            }
        }

        private string? Key(YamlNode node)
        {
            if (node is YamlScalarNode { Value: { } k }) return k;
            Error(node, "expected a plain key");
            return null;
        }

        private void Unknown(YamlNode node, string? key, string where, string[] known)
        {
            if (key is null) return;
            Error(node, $"unknown key '{key}' {where}; expected one of {string.Join(", ", known)}");
        }

        private static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;

        private static string Kind(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            _ => "a scalar",
        };

        private void Error(YamlNode node, string message) => Error(node.Start, message);

        private void Error(Mark mark, string message) => _errors.Add(new PackError(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message));

        private PackLoadResult Fail(int line, int column, string message)
        {
            _errors.Add(new PackError(file, line, column, message));
            return Failed();
        }

        private PackLoadResult Failed() => new(null, [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }
}
