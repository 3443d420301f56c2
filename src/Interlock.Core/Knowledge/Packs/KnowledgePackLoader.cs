using System.Security.Cryptography;
using System.Text;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using ScalarEvent = YamlDotNet.Core.Events.Scalar;

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
    private const int None = -1;
    private static readonly HashSet<string> WrapperNames = new(Wrappers.All.SelectMany(w => w.Names), StringComparer.Ordinal);

    public static PackLoadResult Load(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Reader(text, file).Run();
    }

    /// <summary>
    /// Reads the events the budget check parsed straight into programs, rows and tests (a node is the index of its first
    /// event in <see cref="PackEvents"/>, <see cref="None"/> when absent), validating keys as it goes: no node tree.
    /// </summary>
    private sealed class Reader(string text, string file)
    {
        private readonly List<PackError> _errors = [];
        private readonly List<string> _parts = [];
        private readonly int[] _rowValues = new int[PackSchema.RowKeys.Length];
        private PackEvents _yaml = null!;

        public PackLoadResult Run()
        {
            if (text.Length > MaxTextLength) return Fail(1, 1, $"the pack is {text.Length} characters long; expected at most {MaxTextLength}");
            // The fast reader gives YamlDotNet's own events for the usual pack subset; anything else is YamlDotNet's to read.
            if (PackYamlReader.Read(text) is { } events)
            {
                if (!YamlPrescan.CheckParsed(events, "knowledge pack", "knowledge packs", MaxDepth, MaxNodes, Error)) return Failed();
            }
            else
            {
                events = [];
                if (!YamlPrescan.Check(text, "knowledge pack", "knowledge packs", MaxDepth, MaxNodes, Error, events)) return Failed();
            }
            if (PackEvents.Index(events, Error) is not { } yaml) return Failed();
            _yaml = yaml;
            var root = yaml.Root;
            if (root == None || yaml[root] is not MappingStart)
                return Fail(1, 1, "expected a mapping with version, programs and tests at the top level");

            int version = None, programsNode = None, testsNode = None;
            for (var keyNode = root + 1; !_yaml.IsClose(keyNode); keyNode = _yaml.End(_yaml.End(keyNode)))
            {
                var value = _yaml.End(keyNode);
                switch (Key(keyNode))
                {
                    case "version": version = value; break;
                    case "programs": programsNode = value; break;
                    case "tests": testsNode = value; break;
                    case var other: Unknown(keyNode, other, "at the top level", PackSchema.TopKeys); break;
                }
            }
            if (version == None) Error(root, "missing 'version'; expected version: 1");
            else if (Scalar(version, "version") is { } v && v != "1") Error(version, $"unsupported version '{v}'; expected 1");

            var programs = new List<ProgramSpec>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var node = Items(programsNode, "programs"); !_yaml.IsClose(node); node = _yaml.End(node))
                if (ReadProgram(node, names) is { } spec) programs.Add(spec);
            var tests = new List<PackTest>();
            for (var node = Items(testsNode, "tests"); !_yaml.IsClose(node); node = _yaml.End(node))
                if (ReadTest(node) is { } test) tests.Add(test);
            if (programsNode == None && testsNode == None) Error(root, "the pack has neither 'programs' nor 'tests'");

            if (_errors.Count > 0) return Failed();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            return new PackLoadResult(new KnowledgePack(file, hash, programs, tests), []);
        }

        private ProgramSpec? ReadProgram(int map, Dictionary<string, int> seen)
        {
            if (_yaml[map] is not MappingStart)
            {
                Error(map, $"expected a program (a mapping with names and rows), found {Kind(map)}");
                return null;
            }
            string? names = null, flags = null, valueOptions = null, pairOptions = null, execOptions = null, helpOptions = null, semantics = null;
            bool clusters = true, environment = false, strict = false;
            var rowsNode = None;
            for (var keyNode = map + 1; !_yaml.IsClose(keyNode); keyNode = _yaml.End(_yaml.End(keyNode)))
            {
                var value = _yaml.End(keyNode);
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
                    case "help_options": helpOptions = Words(value, "help_options", ' '); break;
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
                if (WrapperNames.Contains(name))
                    Error(map, $"'{name}' is a wrapper (it runs another command); packs describe programs, not wrappers");
                else if (!seen.TryAdd(name, map))
                    Error(map, $"program '{name}' is described twice in this pack (first at line {_yaml[seen[name]].Start.Line})");
            }
            if (rowsNode == None) Error(map, $"program '{names}' has no 'rows'; an unknown verb would have nothing to match");
            var rows = new List<CommandRow>();
            for (var rowNode = Items(rowsNode, "rows"); !_yaml.IsClose(rowNode); rowNode = _yaml.End(rowNode))
                if (ReadRow(rowNode) is { } row) rows.Add(row);
            return new ProgramSpec(names, [.. rows])
            {
                Flags = flags ?? "", ValueOptions = valueOptions ?? "", PairOptions = pairOptions ?? "", ExecOptions = execOptions ?? "", HelpOptions = helpOptions ?? "", StrictOptions = strict,
                ShortFlagClusters = clusters, Semantics = semantics, DetectEnvironment = environment,
            };
        }

        private CommandRow? ReadRow(int map)
        {
            if (_yaml[map] is not MappingStart)
            {
                Error(map, $"expected a row (a mapping with path, class and reason), found {Kind(map)}");
                return null;
            }
            // Each key's value node by its place in PackSchema.RowKeys (keys are unique: PackEvents refused duplicates).
            var values = _rowValues;
            Array.Fill(values, None);
            for (var keyNode = map + 1; !_yaml.IsClose(keyNode); keyNode = _yaml.End(_yaml.End(keyNode)))
            {
                var key = Key(keyNode);
                if (key is null) continue;
                var index = Array.IndexOf(PackSchema.RowKeys, key);
                if (index < 0) Unknown(keyNode, key, "in a row", PackSchema.RowKeys);
                else values[index] = _yaml.End(keyNode);
            }
            int Value(RowKey key) => values[(int)key];
            string? Str(RowKey key, char separator = '|') => Value(key) is var v and not None ? Words(v, PackSchema.RowKeys[(int)key], separator) : null;
            bool? Flag(RowKey key) => Value(key) is var v and not None ? Bool(v, PackSchema.RowKeys[(int)key]) : null;

            var path = Value(RowKey.Path) != None ? Str(RowKey.Path) ?? "" : null;
            if (path is null) Error(map, "a row needs 'path' (subcommand globs, \"\" for the program itself)");
            OperationClass? cls = null;
            var classNode = Value(RowKey.Class);
            if (classNode == None) Error(map, "a row needs 'class' (" + string.Join(", ", OperationClasses.Names) + ")");
            else if (Scalar(classNode, "class") is { } c)
            {
                var index = Array.IndexOf(OperationClasses.Names, c);
                if (index < 0) Error(classNode, $"unknown class '{c}'; expected one of {string.Join(", ", OperationClasses.Names)}");
                else cls = (OperationClass)index;
            }
            var reason = Value(RowKey.Reason) is var reasonNode and not None ? Scalar(reasonNode, "reason") : null;
            if (string.IsNullOrWhiteSpace(reason)) Error(map, "a row needs 'reason' (what it does, as a person reads it)");
            Tier? minTier = null;
            if (Value(RowKey.MinTier) is var tierNode and not None && Scalar(tierNode, "min_tier") is { } t)
            {
                if (Tiers.TryParse(t, out var tier)) minTier = tier;
                else Error(tierNode, $"unknown tier '{t}'; expected read_only, write_autonomous, write_with_confirmation or never");
            }
            int? outputOperand = null;
            if (Value(RowKey.OutputOperand) is var operandNode and not None && Scalar(operandNode, "output_operand") is { } o)
            {
                if (int.TryParse(o, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1) outputOperand = n;
                else Error(operandNode, $"'output_operand' must be a positive whole number, got '{o}'");
            }
            string? semantics = Value(RowKey.Semantics) is var semanticsNode and not None ? Handler(semanticsNode) : null;
            if (path is null || cls is null || string.IsNullOrWhiteSpace(reason)) return null;
            return new CommandRow(path, cls.Value, reason)
            {
                AnyFlag = Str(RowKey.AnyFlag), NoFlag = Str(RowKey.NoFlag), AnyArg = Str(RowKey.AnyArg),
                Targets = Flag(RowKey.Targets) ?? true, TargetOptions = Str(RowKey.TargetOptions), OutputOptions = Str(RowKey.OutputOptions),
                OutputOperand = outputOperand, PathTargets = Flag(RowKey.PathTargets) ?? false, ReadsContent = Flag(RowKey.ReadsContent) ?? true,
                Shared = Flag(RowKey.Shared) ?? false, Irreversible = Flag(RowKey.Irreversible) ?? false, MinTier = minTier,
                Tags = Str(RowKey.Tags, ' ') ?? "", Semantics = semantics,
            };
        }

        private PackTest? ReadTest(int map)
        {
            if (_yaml[map] is not MappingStart)
            {
                Error(map, $"expected a test (a mapping with command and decision), found {Kind(map)}");
                return null;
            }
            string? command = null, cwd = null;
            Outcome? decision = null;
            OperationClass? cls = null;
            for (var keyNode = map + 1; !_yaml.IsClose(keyNode); keyNode = _yaml.End(_yaml.End(keyNode)))
            {
                var value = _yaml.End(keyNode);
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
            var start = _yaml[map].Start;
            return string.IsNullOrWhiteSpace(command) || (decision is null && cls is null) ? null
                : new PackTest(command, decision, cls, cwd, (int)start.Line, (int)start.Column);
        }

        private string? Handler(int node)
        {
            if (Scalar(node, "semantics") is not { } name) return null;
            if (!Shell.ProgramSemantics.Names.Contains(name, StringComparer.Ordinal))
                Error(node, $"unknown semantics handler '{name}'; handlers are code in Interlock, named by the built-in packs (see `interlock knowledge show`)");
            return name;
        }

        /// <summary>The first item of the list at <paramref name="node"/>; a list's end (so no items) when it is absent, null or not a list.</summary>
        private int Items(int node, string field)
        {
            if (node != None && _yaml[node] is SequenceStart) return node + 1;
            if (node != None && !IsNull(node)) Error(node, $"expected a list for '{field}', found {Kind(node)}");
            return _yaml.Empty;
        }

        /// <summary>A string, or a list of strings joined by <paramref name="separator"/> (paths and flags by '|', names by ' ').</summary>
        private string? Words(int node, string field, char separator)
        {
            switch (_yaml[node])
            {
                case ScalarEvent { Value: var value }: return value;
                case SequenceStart:
                    _parts.Clear();
                    for (var item = node + 1; !_yaml.IsClose(item); item = _yaml.End(item))
                        if (Scalar(item, field) is { } s) _parts.Add(s);
                    return _parts.Count == 1 ? _parts[0] : string.Join(separator, _parts);
                default:
                    Error(node, $"expected a string or a list of strings for '{field}', found {Kind(node)}");
                    return null;
            }
        }

        private string? Scalar(int node, string field)
        {
            if (_yaml[node] is ScalarEvent { Value: var v }) return v;
            Error(node, $"expected a string for '{field}', found {Kind(node)}");
            return null;
        }

        private bool? Bool(int node, string field)
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

        private string? Key(int node)
        {
            if (_yaml[node] is ScalarEvent { Value: var k }) return k;
            Error(node, "expected a plain key");
            return null;
        }

        private void Unknown(int node, string? key, string where, string[] known)
        {
            if (key is null) return;
            Error(node, $"unknown key '{key}' {where}; expected one of {string.Join(", ", known)}");
        }

        private bool IsNull(int node) => _yaml[node] is ScalarEvent { Value: "" or "~" or "null", Style: ScalarStyle.Plain };

        private string Kind(int node) => _yaml[node] switch
        {
            MappingStart => "a mapping",
            SequenceStart => "a list",
            _ => "a scalar",
        };

        private void Error(int node, string message) => Error(_yaml[node].Start, message);

        private void Error(Mark mark, string message) => _errors.Add(new PackError(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message));

        private PackLoadResult Fail(int line, int column, string message)
        {
            _errors.Add(new PackError(file, line, column, message));
            return Failed();
        }

        private PackLoadResult Failed() => new(null, [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    /// <summary>The places of <see cref="PackSchema.RowKeys"/>, in its order (a test holds the two together).</summary>
    internal enum RowKey
    {
        Path, Class, Reason, AnyFlag, NoFlag, AnyArg, Targets, TargetOptions, OutputOptions, OutputOperand,
        PathTargets, ReadsContent, Shared, Irreversible, MinTier, Tags, Semantics,
    }
}
