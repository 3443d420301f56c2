using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.Actions;
using Interlock.Risk;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Interlock.Policy;

/// <summary>One case of a policy test file: an action and what the policy must decide for it.</summary>
/// <param name="Name">The case's name, unique in its file.</param>
/// <param name="Action">The action, read by <see cref="ActionJson"/> like a <c>check --batch</c> line.</param>
/// <param name="Expect">The decision expected.</param>
/// <param name="Rules">Rule ids that must all be among the decision's rules (policy or built-in).</param>
/// <param name="Tier">The tier expected, when given.</param>
/// <param name="Line">Where the case starts (1-based).</param>
/// <param name="Column">Its column (1-based).</param>
public sealed record PolicyTestCase(string Name, ActionRequest Action, Outcome Expect, IReadOnlyList<string> Rules, Tier? Tier, int Line, int Column);

/// <summary>A parsed test file: the policy it names (relative to the file, as written), its cases, and every error found.</summary>
public sealed record PolicyTestFile(string File, string? Policy, IReadOnlyList<PolicyTestCase> Cases, IReadOnlyList<PolicyError> Errors)
{
    public bool Success => Errors.Count == 0;

    /// <summary>The <c>policy:</c> path resolved against the test file's directory (path arithmetic only), or null.</summary>
    public string? PolicyPath
    {
        get
        {
            if (Policy is null) return null;
            if (Policy.StartsWith('/')) return Policy;
            var dir = Path.GetDirectoryName(File);
            return string.IsNullOrEmpty(dir) ? Policy : Path.Combine(dir, Policy);
        }
    }
}

/// <summary>How one case went: passed, or failed with a message saying what was expected and what happened.</summary>
public sealed record PolicyTestResult(PolicyTestCase Case, bool Passed, string Message, Decision? Decision);

/// <summary>
/// Policy test files: YAML lists of actions with the decision each must get. Parsing never throws and reports
/// every error with its line and column; running evaluates each case with a fresh <see cref="ActionEvaluator"/>. No I/O.
/// </summary>
public static partial class PolicyTestSuite
{
    /// <summary>Working directory of a case when neither it nor the file's <c>defaults</c> give one.</summary>
    public const string DefaultCwd = "/home/dev/project";

    /// <summary>Home directory of a case when neither it nor the file's <c>defaults</c> give one.</summary>
    public const string DefaultHome = "/home/dev";

    /// <summary>Largest test file accepted, in characters.</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    private const int MaxActionNodes = 10_000;
    private const int MaxActionDepth = 32;

    private static readonly string[] TopKeys = ["policy", "defaults", "cases"];
    private static readonly string[] CaseKeys = ["name", "action", "expect", "rules", "tier"];
    private static readonly string[] Decisions = ["allow", "deny", "require_approval", "allow_with_constraints"];
    private static readonly string[] TierNames = ["read_only", "write_autonomous", "write_with_confirmation", "never"];

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    /// <summary>Parses a test file; <paramref name="fileName"/> names it in errors and anchors its <c>policy:</c> path.</summary>
    public static PolicyTestFile Parse(string text, string fileName)
    {
        fileName = string.IsNullOrEmpty(fileName) ? "<tests>" : fileName;
        var errors = new List<PolicyError>();
        try
        {
            return new Reader(text ?? "", fileName, errors).Run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add(new PolicyError(fileName, 1, 1, $"internal error while reading the test file: {ex.GetType().Name}: {ex.Message}"));
            return new PolicyTestFile(fileName, null, [], errors);
        }
    }

    /// <summary>Runs every case against <paramref name="policy"/> (no constraint limiter: nothing is throttled).</summary>
    public static IReadOnlyList<PolicyTestResult> Run(IEnumerable<PolicyTestCase> cases, PolicyStack policy)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(policy);
        var evaluator = new ActionEvaluator(policy);
        return [.. cases.Select(c => Run(c, evaluator))];
    }

    /// <summary>Runs one case.</summary>
    public static PolicyTestResult Run(PolicyTestCase testCase, ActionEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        ArgumentNullException.ThrowIfNull(evaluator);
        var evaluation = evaluator.Evaluate(testCase.Action);
        evaluation.Lease?.Dispose();
        var d = evaluation.Decision;
        var problems = new List<string>();
        if (d.Outcome != testCase.Expect) problems.Add($"expected {testCase.Expect.WireName()}, got {d.Outcome.WireName()}");
        var missing = testCase.Rules.Where(r => !d.Rules.Contains(r, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0) problems.Add($"missing rule(s) {string.Join(", ", missing)}");
        if (testCase.Tier is { } tier && tier != d.Tier) problems.Add($"expected tier {tier.WireName()}, got {d.Tier.WireName()}");
        if (problems.Count == 0) return new PolicyTestResult(testCase, true, "", d);
        var rules = d.Rules.Count == 0 ? "(default)" : string.Join(", ", d.Rules);
        var message = $"{string.Join("; ", problems)} (decision {d.Outcome.WireName()}, tier {d.Tier.WireName()}, rules {rules})";
        if (d.Reasons.Count > 0) message += $": {d.Reasons[0]}";
        return new PolicyTestResult(testCase, false, message, d);
    }

    private sealed class Reader(string text, string file, List<PolicyError> errors)
    {
        public PolicyTestFile Run()
        {
            if (text.Length > MaxTextLength)
            {
                Error(1, 1, $"test file is {text.Length} characters long; expected at most {MaxTextLength}");
                return Done(null, []);
            }
            if (YamlPrescan.Load(text, "test file", "test files", PolicyLoader.MaxDepth, PolicyLoader.MaxNodes, Error) is not { } stream) return Done(null, []);
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                var at = stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty;
                Error(at, "expected one YAML document: a mapping with 'cases' (and optionally 'policy' and 'defaults')");
                return Done(null, []);
            }

            string? policy = null;
            YamlMappingNode? defaults = null;
            YamlNode? casesNode = null;
            foreach (var (keyNode, value) in root.Children)
            {
                switch (Key(keyNode))
                {
                    case null: break;
                    case "policy":
                        policy = String(value, "policy");
                        if (policy is not null && policy.Trim().Length == 0) Error(value, "empty 'policy' path; expected a policy file relative to this test file");
                        break;
                    case "defaults":
                        if (value is YamlMappingNode d) defaults = d;
                        else Error(value, $"expected a mapping of action fields for 'defaults', found {KindOf(value)}");
                        break;
                    case "cases": casesNode = value; break;
                    case { } other: Error(keyNode, $"unknown key '{other}' at the top level; expected one of {string.Join(", ", TopKeys)}"); break;
                }
            }
            var cases = new List<PolicyTestCase>();
            if (casesNode is null)
            {
                Error(root, "missing 'cases'; expected a list of cases with name, action and expect");
            }
            else if (casesNode is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                Error(casesNode, $"expected a non-empty list of cases for 'cases', found {KindOf(casesNode)}");
            }
            else
            {
                var names = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < seq.Children.Count; i++)
                    if (ReadCase(seq.Children[i], i, defaults, names) is { } c) cases.Add(c);
            }
            return Done(policy, cases);
        }

        private PolicyTestFile Done(string? policy, List<PolicyTestCase> cases) =>
            new(file, policy, cases, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);

        private PolicyTestCase? ReadCase(YamlNode node, int index, YamlMappingNode? defaults, Dictionary<string, int> names)
        {
            var before = errors.Count;
            if (node is not YamlMappingNode map)
            {
                Error(node, $"case #{index + 1}: expected a mapping with {string.Join(", ", CaseKeys)}, found {KindOf(node)}");
                return null;
            }
            string? name = null;
            foreach (var (k, v) in map.Children)
                if (k is YamlScalarNode { Value: "name" } && v is YamlScalarNode { Value: { Length: > 0 } n }) name = n;
            var where = name is null ? $"in case #{index + 1}" : $"in case '{name}'";

            YamlNode? nameNode = null, actionNode = null, expectNode = null;
            var rules = new List<string>();
            Tier? tier = null;
            foreach (var (keyNode, value) in map.Children)
            {
                switch (Key(keyNode))
                {
                    case null: break;
                    case "name": nameNode = value; break;
                    case "action": actionNode = value; break;
                    case "expect": expectNode = value; break;
                    case "rules":
                        if (value is YamlSequenceNode { Children.Count: > 0 } list)
                        {
                            foreach (var item in list.Children)
                                if (String(item, $"an item of rules {where}") is { } r) rules.Add(r);
                        }
                        else
                        {
                            Error(value, $"expected a non-empty list of rule ids for rules {where}, found {KindOf(value)}");
                        }
                        break;
                    case "tier":
                        if (String(value, $"tier {where}") is { } t)
                        {
                            if (Tiers.TryParse(t, out var parsed)) tier = parsed;
                            else Error(value, $"unknown tier '{t}' {where}; expected one of {string.Join(", ", TierNames)}");
                        }
                        break;
                    case { } other: Error(keyNode, $"unknown key '{other}' {where}; expected one of {string.Join(", ", CaseKeys)}"); break;
                }
            }

            if (nameNode is null) Error(map, $"case #{index + 1} has no 'name'");
            else if (String(nameNode, $"name of case #{index + 1}") is { } text)
            {
                if (text.Trim().Length == 0) Error(nameNode, $"empty name for case #{index + 1}");
                else if (names.TryGetValue(text, out var firstLine)) Error(nameNode, $"duplicate case name '{text}'; first used at line {firstLine}");
                else names.Add(text, (int)nameNode.Start.Line);
            }

            var expect = Outcome.Deny;
            if (expectNode is null) Error(map, $"missing 'expect' {where}; expected one of {string.Join(", ", Decisions)}");
            else if (String(expectNode, $"expect {where}") is { } e && !Outcomes.TryParse(e, out expect))
                Error(expectNode, $"unknown decision '{e}' for expect {where}; expected one of {string.Join(", ", Decisions)}");

            ActionRequest? action = null;
            if (actionNode is null) Error(map, $"missing 'action' {where}; expected a mapping such as {{ command: \"ls\" }}");
            else if (actionNode is not YamlMappingNode actionMap) Error(actionNode, $"expected a mapping for action {where}, found {KindOf(actionNode)}");
            else action = ReadAction(actionMap, defaults, where);

            if (errors.Count != before || action is null || name is null) return null;
            return new PolicyTestCase(name, action, expect, rules, tier, (int)map.Start.Line, (int)map.Start.Column);
        }

        /// <summary>Converts the action (over the file's defaults) to JSON and reads it with <see cref="ActionJson"/>.</summary>
        private ActionRequest? ReadAction(YamlMappingNode action, YamlMappingNode? defaults, string where)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                var budget = MaxActionNodes;
                w.WriteStartObject();
                var given = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (k, v) in action.Children)
                {
                    if (Key(k) is not { } key) return null;
                    if (!given.Add(key))
                    {
                        Error(k, $"duplicate field '{key}' in action {where}");
                        return null;
                    }
                    w.WritePropertyName(key);
                    if (!WriteJson(w, v, 1, ref budget, where)) return null;
                }
                if (defaults is not null)
                {
                    foreach (var (k, v) in defaults.Children)
                    {
                        if (Key(k) is not { } key || given.Contains(key)) continue;
                        given.Add(key);
                        w.WritePropertyName(key);
                        if (!WriteJson(w, v, 1, ref budget, "in defaults")) return null;
                    }
                }
                w.WriteEndObject();
            }
            using var doc = JsonDocument.Parse(buffer.ToArray());
            var (request, error) = ActionJson.Parse(doc.RootElement, DefaultCwd, DefaultHome);
            if (request is null)
            {
                Error(action, $"invalid action {where}: {error}");
                return null;
            }
            return request;
        }

        private bool WriteJson(Utf8JsonWriter w, YamlNode node, int depth, ref int budget, string where)
        {
            if (--budget < 0 || depth > MaxActionDepth)
            {
                Error(node, $"action {where} is too large or too deeply nested");
                return false;
            }
            switch (node)
            {
                case YamlScalarNode s:
                    var value = s.Value ?? "";
                    if (s.Style is ScalarStyle.Plain or ScalarStyle.Any)
                    {
                        if (value is "" or "~" or "null" or "Null" or "NULL") { w.WriteNullValue(); return true; }
                        if (value is "true" or "True" or "TRUE") { w.WriteBooleanValue(true); return true; }
                        if (value is "false" or "False" or "FALSE") { w.WriteBooleanValue(false); return true; }
                        if (JsonNumber().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        {
                            w.WriteRawValue(value);
                            return true;
                        }
                    }
                    w.WriteStringValue(value);
                    return true;
                case YamlSequenceNode seq:
                    w.WriteStartArray();
                    foreach (var item in seq.Children)
                        if (!WriteJson(w, item, depth + 1, ref budget, where)) return false;
                    w.WriteEndArray();
                    return true;
                case YamlMappingNode map:
                    w.WriteStartObject();
                    foreach (var (k, v) in map.Children)
                    {
                        if (Key(k) is not { } key) return false;
                        w.WritePropertyName(key);
                        if (!WriteJson(w, v, depth + 1, ref budget, where)) return false;
                    }
                    w.WriteEndObject();
                    return true;
                default:
                    Error(node, $"unsupported YAML node in action {where}");
                    return false;
            }
        }

        private string? Key(YamlNode keyNode)
        {
            if (keyNode is YamlScalarNode { Value: { Length: > 0 } key }) return key;
            Error(keyNode, $"expected a string key, found {KindOf(keyNode)}");
            return null;
        }

        private string? String(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { } value } s && !IsNull(s)) return value;
            Error(node, $"expected a string for {what}, found {KindOf(node)}");
            return null;
        }

        private static bool IsNull(YamlScalarNode s) =>
            s.Style is ScalarStyle.Plain or ScalarStyle.Any && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

        private static string KindOf(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode { Children.Count: 0 } => "an empty list",
            YamlSequenceNode => "a list",
            YamlScalarNode s when IsNull(s) => "null",
            YamlScalarNode s => $"the scalar '{s.Value}'",
            _ => "an alias",
        };

        private void Error(YamlNode node, string message) => Error(node.Start, message);

        private void Error(Mark mark, string message) => Error((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message);

        private void Error(int line, int column, string message) => errors.Add(new PolicyError(file, line, column, message));
    }
}
