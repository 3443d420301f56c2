using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Interlock.Actions;
using Interlock.Risk;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Interlock.Policy;

/// <summary>
/// Loads a v1 YAML policy from text. Never throws and fails closed: unknown keys, wrong types, bad values,
/// bad globs and syntax errors are all reported with file, line and column, every one of them, not just the first.
/// Does no I/O: the caller reads the file and passes its text and name.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Largest policy text accepted, in characters.</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most YAML nodes accepted.</summary>
    public const int MaxNodes = 500_000;

    /// <summary>Loads and compiles <paramref name="yamlText"/>; <paramref name="fileName"/> is used only in messages.</summary>
    public static PolicyLoadResult Load(string yamlText, string fileName)
    {
        fileName = string.IsNullOrEmpty(fileName) ? "<policy>" : fileName;
        try
        {
            return new Reader(yamlText ?? "", fileName).Run();
        }
        catch (Exception ex)
        {
            // Fail closed even on a bug: no policy, and an error that says so.
            return PolicyLoadResult.Failed([new PolicyError(fileName, 1, 1, $"internal error while loading the policy: {ex.GetType().Name}: {ex.Message}")]);
        }
    }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 text with CRLF normalized to LF.</summary>
    public static string ComputeHash(string yamlText)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var bytes = Encoding.UTF8.GetBytes(yamlText.Replace("\r\n", "\n", StringComparison.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static readonly string[] TopKeys = ["version", "default", "rules", "agents", "protected", "include", "knowledge", "resource_map"];
    private static readonly string[] AgentKeys = ["id", "tier", "tools", "resources", "actions", "description"];
    private static readonly string[] CeilingTierNames = ["read_only", "write_autonomous", "write_with_confirmation"];
    private static readonly string[] RuleKeys = ["id", "match", "decision", "constraints", "reason"];
    private static readonly string[] MatchKeys =
        ["topics", "tools", "programs", "operations", "targets", "resources", "environments", "agents", "tiers", "risk_tags", "min_blast_radius", "not"];
    private static readonly string[] ConstraintKeys = ["max_concurrent", "rate_limit", "max_runtime_sec", "approvals_required", "approval_timeout_sec"];
    private static readonly string[] DecisionNames = ["allow", "deny", "require_approval", "allow_with_constraints"];
    private static readonly string[] TierWireNames = ["read_only", "write_autonomous", "write_with_confirmation", "never"];

    private sealed class Reader(string text, string file)
    {
        private readonly List<PolicyError> _errors = [];
        private readonly Dictionary<string, Glob> _globs = new(StringComparer.Ordinal);

        public PolicyLoadResult Run()
        {
            if (text.Length > MaxTextLength)
            {
                Error(1, 1, $"policy is {text.Length} characters long; expected at most {MaxTextLength}");
                return Fail();
            }
            if (YamlPrescan.Load(text, "policy", "policies", MaxDepth, MaxNodes, Error) is not { } stream) return Fail();
            if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
            {
                Error(1, 1, "empty policy; expected a mapping with version, default and rules");
                return Fail();
            }

            var policy = ReadTop(stream.Documents[0].RootNode);
            return policy is not null && _errors.Count == 0 ? PolicyLoadResult.Ok(policy) : Fail();
        }

        /// <summary>Errors in file order (stable, so errors at one position keep the order they were found in).</summary>
        private PolicyLoadResult Fail() =>
            PolicyLoadResult.Failed(_errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray());

        private CompiledPolicy? ReadTop(YamlNode root)
        {
            if (root is not YamlMappingNode map)
            {
                Error(root, $"expected a mapping with version, default and rules at the top level, found {KindOf(root)}");
                return null;
            }

            YamlNode? version = null, defaultNode = null, rulesNode = null, agentsNode = null, protectedNode = null, includeNode = null, knowledgeNode = null, resourceMapNode = null;
            foreach (var (keyNode, value) in map.Children)
            {
                var key = KeyOf(keyNode, "at the top level");
                switch (key)
                {
                    case null: break;
                    case "version": version = value; break;
                    case "default": defaultNode = value; break;
                    case "rules": rulesNode = value; break;
                    case "agents": agentsNode = value; break;
                    case "protected": protectedNode = value; break;
                    case "include": includeNode = value; break;
                    case "knowledge": knowledgeNode = value; break;
                    case "resource_map": resourceMapNode = value; break;
                    default: UnknownKey(keyNode, key, "at the top level", TopKeys); break;
                }
            }

            if (version is null)
            {
                Error(map, "missing 'version'; expected version: v1");
            }
            else if (ReadString(version, "version") is { } v && v != "v1")
            {
                Error(version, $"unsupported version '{v}'; expected v1");
            }

            var defaultOutcome = Outcome.RequireApproval;
            if (defaultNode is not null && ReadString(defaultNode, "default") is { } d)
            {
                if (!Outcomes.TryParse(d, out defaultOutcome))
                    Error(defaultNode, $"unknown decision '{d}' for default; expected one of {string.Join(", ", DecisionNames)}");
            }

            var rules = new List<CompiledRule>();
            if (rulesNode is not null)
            {
                if (rulesNode is YamlSequenceNode seq)
                {
                    var ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        if (ReadRule(seq.Children[i], i, ids) is { } rule) rules.Add(rule);
                    }
                }
                else
                {
                    Error(rulesNode, $"expected a list of rules for 'rules', found {KindOf(rulesNode)}");
                }
            }

            var agents = agentsNode is null ? [] : ReadAgents(agentsNode);
            var protectedResources = protectedNode is null ? [] : ReadProtected(protectedNode);
            var includes = new List<PolicyInclude>();
            if (includeNode is not null && ReadStringNodes(includeNode, "include", "at the top level") is { } includeItems)
            {
                foreach (var (node, path) in includeItems)
                {
                    if (path.Trim().Length == 0) Error(node, "empty include path; expected a policy file path relative to this file");
                    else includes.Add(new PolicyInclude(path, (int)node.Start.Line, (int)node.Start.Column));
                }
            }

            var knowledge = new List<PolicyInclude>();
            if (knowledgeNode is not null && ReadStringNodes(knowledgeNode, "knowledge", "at the top level") is { } knowledgeItems)
            {
                foreach (var (node, path) in knowledgeItems)
                {
                    if (path.Trim().Length == 0) Error(node, "empty knowledge path; expected a directory of knowledge packs relative to this file");
                    else knowledge.Add(new PolicyInclude(path, (int)node.Start.Line, (int)node.Start.Column));
                }
            }

            PolicyInclude? resourceMap = null;
            if (resourceMapNode is not null)
            {
                if (resourceMapNode is YamlScalarNode { Value: { } mapPath } && mapPath.Trim().Length > 0)
                    resourceMap = new PolicyInclude(mapPath, (int)resourceMapNode.Start.Line, (int)resourceMapNode.Start.Column);
                else Error(resourceMapNode, "'resource_map' must be the path of a resource map file, relative to this file");
            }

            // A file that only includes others, or only adds agents, protected resources, knowledge or a map, decides nothing by itself.
            bool contributes = includeNode is not null || agentsNode is not null || protectedNode is not null || knowledgeNode is not null || resourceMapNode is not null;
            if ((rulesNode is YamlSequenceNode { Children.Count: 0 } || rulesNode is null) && !contributes)
            {
                if (defaultNode is null)
                {
                    Error(map, "policy has no rules and no default; expected at least one rule or an explicit 'default'");
                }
                else if (defaultOutcome == Outcome.Allow)
                {
                    Error(defaultNode, "policy has no rules and default allow, which allows everything; expected rules or a stricter default");
                }
            }

            if (defaultNode is not null && defaultOutcome == Outcome.Allow && rules.Count == 0 && contributes)
                Error(defaultNode, "policy has no rules and default allow, which allows everything; expected rules or a stricter default");

            if (_errors.Count > 0) return null;
            return new CompiledPolicy(ComputeHash(text), file, defaultOutcome, [.. rules])
            {
                Agents = agents,
                Protected = protectedResources,
                Includes = includes,
                Knowledge = knowledge,
                ResourceMap = resourceMap,
                HasDefault = defaultNode is not null,
            };
        }

        private List<AgentScope> ReadAgents(YamlNode node)
        {
            var result = new List<AgentScope>();
            if (node is not YamlSequenceNode seq)
            {
                Error(node, $"expected a list of agents for 'agents', found {KindOf(node)}");
                return result;
            }
            var ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var item = seq.Children[i];
                var errorsBefore = _errors.Count;
                if (item is not YamlMappingNode map)
                {
                    Error(item, $"agent #{i + 1}: expected a mapping with {string.Join(", ", AgentKeys)}, found {KindOf(item)}");
                    continue;
                }
                string? id = null;
                Tier? ceiling = null;
                Glob[]? tools = null, resources = null;
                var actions = 0;
                var where = $"in agent #{i + 1}";
                foreach (var (k, v) in map.Children)
                    if (k is YamlScalarNode { Value: "id" } && v is YamlScalarNode s && !IsNull(s)) where = $"in agent '{s.Value}'";
                foreach (var (keyNode, value) in map.Children)
                {
                    var key = KeyOf(keyNode, where);
                    switch (key)
                    {
                        case null: break;
                        case "id":
                            id = ReadString(value, $"id {where}");
                            if (id is not null && !Glob.TryParse(id, out _, out var idError, out _))
                                Error(value, $"invalid agent id pattern '{id}': {idError}");
                            else if (id is not null && !ids.TryAdd(id, value))
                                Error(value, $"duplicate agent id '{id}'; first defined at line {ids[id].Start.Line}");
                            break;
                        case "tier":
                            if (ReadString(value, $"tier {where}") is { } tierText)
                            {
                                if (Array.IndexOf(CeilingTierNames, tierText) >= 0 && Tiers.TryParse(tierText, out var t)) ceiling = t;
                                else Error(value, $"unknown tier ceiling '{tierText}' {where}; expected one of {string.Join(", ", CeilingTierNames)}");
                            }
                            break;
                        case "tools": tools = ReadGlobs(value, "tools", where); break;
                        case "resources": resources = ReadGlobs(value, "resources", where); break;
                        case "actions":
                            actions = ReadVocabulary(value, "actions", where, "operation class", PolicyNames.OperationClasses, name => PolicyNames.IndexOf(PolicyNames.OperationClasses, name));
                            break;
                        case "description": ReadString(value, $"description {where}"); break;
                        default: UnknownKey(keyNode, key, where, AgentKeys); break;
                    }
                }
                if (id is null && _errors.Count == errorsBefore) Error(map, $"agent #{i + 1} has no 'id'; expected an agent id such as 'claude-dev' or 'default'");
                if (_errors.Count == errorsBefore && id is not null)
                    result.Add(new AgentScope(id, Glob.Parse(id), ceiling, tools, resources, actions, file, (int)map.Start.Line, (int)map.Start.Column));
            }
            return result;
        }

        private List<ProtectedResource> ReadProtected(YamlNode node)
        {
            var result = new List<ProtectedResource>();
            if (ReadStringNodes(node, "protected", "at the top level") is not { } items) return result;
            foreach (var (itemNode, pattern) in items)
            {
                if (Glob.TryParse(pattern, out var glob, out var error, out var offset))
                    result.Add(new ProtectedResource(pattern, glob, file, (int)itemNode.Start.Line, (int)itemNode.Start.Column));
                else
                    Error(itemNode, $"invalid glob '{pattern}' in protected: {error} (at offset {offset})");
            }
            return result;
        }

        private CompiledRule? ReadRule(YamlNode node, int index, Dictionary<string, YamlNode> ids)
        {
            var errorsBefore = _errors.Count;
            if (node is not YamlMappingNode map)
            {
                Error(node, $"rule #{index + 1}: expected a mapping with {string.Join(", ", RuleKeys)}, found {KindOf(node)}");
                return null;
            }

            // Find the id first so every message can name the rule.
            string? id = null;
            YamlNode? idNode = null;
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode { Value: "id" })
                {
                    idNode = v;
                    id = v is YamlScalarNode s && !IsNull(s) ? s.Value : null;
                }
            }
            var where = id is not null && IsValidId(id) ? $"in rule '{id}'" : $"in rule #{index + 1}";

            YamlNode? matchNode = null, decisionNode = null, constraintsNode = null, reasonNode = null, constraintsKey = null;
            foreach (var (keyNode, value) in map.Children)
            {
                var key = KeyOf(keyNode, where);
                switch (key)
                {
                    case null: break;
                    case "id": break;
                    case "match": matchNode = value; break;
                    case "decision": decisionNode = value; break;
                    case "constraints": constraintsNode = value; constraintsKey = keyNode; break;
                    case "reason": reasonNode = value; break;
                    default: UnknownKey(keyNode, key, where, RuleKeys); break;
                }
            }

            if (idNode is null)
            {
                Error(map, $"rule #{index + 1} has no 'id'; expected an id like 'deny-infra-destroy'");
            }
            else if (ReadString(idNode, $"id {where}") is { } idText)
            {
                if (!IsValidId(idText))
                {
                    Error(idNode, $"invalid rule id '{idText}'; expected lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
                }
                else if (ids.TryGetValue(idText, out var first))
                {
                    Error(idNode, $"duplicate rule id '{idText}'; first defined at line {first.Start.Line}");
                }
                else
                {
                    ids.Add(idText, idNode);
                }
            }

            var decision = Outcome.Deny;
            var hasDecision = false;
            if (decisionNode is null)
            {
                Error(map, $"missing 'decision' {where}; expected one of {string.Join(", ", DecisionNames)}");
            }
            else if (ReadString(decisionNode, $"decision {where}") is { } decisionText)
            {
                if (Outcomes.TryParse(decisionText, out decision))
                    hasDecision = true;
                else
                    Error(decisionNode, $"unknown decision '{decisionText}' {where}; expected one of {string.Join(", ", DecisionNames)}");
            }

            var matcher = matchNode is null || IsNull(matchNode) ? new RuleMatcher() : ReadMatch(matchNode, where, "match");

            Constraints? constraints = null;
            if (constraintsNode is not null)
            {
                constraints = ReadConstraints(constraintsNode, where);
                if (hasDecision && decision == Outcome.RequireApproval)
                {
                    // A review can ask for more reviewers or a different expiry; limits on running belong to allow_with_constraints.
                    if (constraints is { MaxConcurrent: not null } or { RateLimit: not null } or { MaxRuntimeSec: not null })
                        Error(constraintsKey!, $"constraints {where} with decision require_approval may hold only approvals_required and approval_timeout_sec");
                }
                else if (hasDecision && decision != Outcome.AllowWithConstraints)
                {
                    Error(constraintsKey!, $"constraints {where} with decision {decision.WireName()}; expected constraints only with decision allow_with_constraints (or approvals_required and approval_timeout_sec with require_approval)");
                }
                else if (hasDecision && constraints is { ApprovalTimeoutSec: not null })
                {
                    Error(constraintsKey!, $"approval_timeout_sec {where} applies to decision require_approval, not {decision.WireName()}");
                }
            }
            else if (hasDecision && decision == Outcome.AllowWithConstraints)
            {
                Error(decisionNode!, $"decision allow_with_constraints {where} has no constraints; expected a 'constraints' mapping with at least one of {string.Join(", ", ConstraintKeys)}");
            }

            string? reason = null;
            if (reasonNode is not null) reason = ReadString(reasonNode, $"reason {where}");

            if (_errors.Count != errorsBefore || id is null || matcher is null) return null;
            return new CompiledRule(id, decision, string.IsNullOrWhiteSpace(reason) ? $"rule {id}" : reason, constraints, matcher, (int)map.Start.Line, (int)map.Start.Column);
        }

        private RuleMatcher? ReadMatch(YamlNode node, string where, string path)
        {
            var errorsBefore = _errors.Count;
            if (node is not YamlMappingNode map)
            {
                Error(node, $"expected a mapping for {path} {where}, found {KindOf(node)}; expected keys {string.Join(", ", MatchKeys)}");
                return null;
            }
            if (path != "match" && map.Children.Count == 0)
            {
                Error(node, $"empty {path} {where} would never match; expected at least one of {string.Join(", ", MatchKeys)}");
                return null;
            }

            Glob[]? topics = null, tools = null, programs = null, targets = null, agents = null;
            string[]? riskTags = null;
            int operations = 0, environments = 0, tiers = 0;
            BlastLevel? minBlast = null;
            RuleMatcher? not = null;
            YamlNode? targetsKey = null;

            foreach (var (keyNode, value) in map.Children)
            {
                var key = KeyOf(keyNode, $"in {path} {where}");
                var field = $"{path}.{key}";
                switch (key)
                {
                    case null: break;
                    case "topics": topics = ReadGlobs(value, field, where); break;
                    case "tools": tools = ReadGlobs(value, field, where); break;
                    case "programs": programs = ReadGlobs(value, field, where); break;
                    case "agents": agents = ReadGlobs(value, field, where); break;
                    case "targets" or "resources":
                        if (targetsKey is not null)
                        {
                            Error(keyNode, $"both 'targets' and its alias 'resources' in {path} {where}; expected only one of them");
                            break;
                        }
                        targetsKey = keyNode;
                        targets = ReadGlobs(value, field, where);
                        break;
                    case "operations":
                        operations = ReadVocabulary(value, field, where, "operation class", PolicyNames.OperationClasses, name => PolicyNames.IndexOf(PolicyNames.OperationClasses, name));
                        break;
                    case "environments":
                        environments = ReadVocabulary(value, field, where, "environment", PolicyNames.Environments, name => PolicyNames.IndexOf(PolicyNames.Environments, name));
                        break;
                    case "tiers":
                        tiers = ReadVocabulary(value, field, where, "tier", TierWireNames, name => Tiers.TryParse(name, out var t) ? (int)t : -1);
                        break;
                    case "risk_tags":
                        riskTags = ReadStrings(value, field, where);
                        break;
                    case "min_blast_radius":
                        if (ReadString(value, $"{field} {where}") is { } level)
                        {
                            var i = PolicyNames.IndexOf(PolicyNames.BlastLevels, level);
                            if (i < 0)
                                Error(value, $"unknown blast level '{level}' in {field} {where}; expected one of {string.Join(", ", PolicyNames.BlastLevels)}");
                            else
                                minBlast = (BlastLevel)i;
                        }
                        break;
                    case "not":
                        not = ReadMatch(value, where, $"{path}.not");
                        break;
                    default:
                        UnknownKey(keyNode, key, $"in {path} {where}", MatchKeys);
                        break;
                }
            }

            if (_errors.Count != errorsBefore) return null;
            return new RuleMatcher
            {
                Topics = topics,
                Tools = tools,
                Programs = programs,
                Targets = targets,
                Agents = agents,
                Operations = operations,
                Environments = environments,
                Tiers = tiers,
                RiskTags = riskTags,
                MinBlastRadius = minBlast,
                Not = not,
            };
        }

        private Constraints? ReadConstraints(YamlNode node, string where)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"expected a mapping for constraints {where}, found {KindOf(node)}; expected keys {string.Join(", ", ConstraintKeys)}");
                return null;
            }
            if (map.Children.Count == 0)
            {
                Error(node, $"empty constraints {where}; expected at least one of {string.Join(", ", ConstraintKeys)}");
                return null;
            }
            int? maxConcurrent = null, maxRuntime = null, approvals = null, approvalTimeout = null;
            string? rate = null;
            foreach (var (keyNode, value) in map.Children)
            {
                var key = KeyOf(keyNode, $"in constraints {where}");
                switch (key)
                {
                    case null: break;
                    case "max_concurrent": maxConcurrent = ReadPositiveInt(value, key, where); break;
                    case "max_runtime_sec": maxRuntime = ReadPositiveInt(value, key, where); break;
                    case "approvals_required": approvals = ReadPositiveInt(value, key, where); break;
                    case "approval_timeout_sec": approvalTimeout = ReadPositiveInt(value, key, where); break;
                    case "rate_limit":
                        if (ReadString(value, $"constraints.rate_limit {where}") is { } r)
                        {
                            if (RateLimit.TryParse(r, out _, out _))
                                rate = r;
                            else
                                Error(value, $"invalid rate_limit '{r}' {where}; expected N/second, N/minute, N/hour or N/day with N ≥ 1");
                        }
                        break;
                    default: UnknownKey(keyNode, key, $"in constraints {where}", ConstraintKeys); break;
                }
            }
            return new Constraints { MaxConcurrent = maxConcurrent, RateLimit = rate, MaxRuntimeSec = maxRuntime, ApprovalsRequired = approvals, ApprovalTimeoutSec = approvalTimeout };
        }

        private int? ReadPositiveInt(YamlNode node, string key, string where)
        {
            if (node is YamlScalarNode { Style: ScalarStyle.Plain } s
                && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
            {
                return n;
            }
            var shown = node is YamlScalarNode scalar ? $"'{scalar.Value}'" : KindOf(node);
            Error(node, $"invalid {key} {shown} in constraints {where}; expected a positive integer");
            return null;
        }

        private Glob[]? ReadGlobs(YamlNode node, string field, string where)
        {
            var items = ReadStringNodes(node, field, where);
            if (items is null) return null;
            var globs = new Glob[items.Count];
            var ok = true;
            for (var i = 0; i < items.Count; i++)
            {
                var (itemNode, pattern) = items[i];
                if (_globs.TryGetValue(pattern, out var interned))
                {
                    globs[i] = interned; // one instance per pattern, so evaluation can remember its result per action
                }
                else if (Glob.TryParse(pattern, out var glob, out var error, out var offset))
                {
                    globs[i] = glob;
                    _globs[pattern] = glob;
                }
                else
                {
                    Error(itemNode, $"invalid glob '{pattern}' in {field} {where}: {error} (at offset {offset})");
                    ok = false;
                }
            }
            return ok ? globs : null;
        }

        private string[]? ReadStrings(YamlNode node, string field, string where)
        {
            var items = ReadStringNodes(node, field, where);
            if (items is null) return null;
            var result = new string[items.Count];
            for (var i = 0; i < items.Count; i++) result[i] = items[i].Value;
            return result;
        }

        private int ReadVocabulary(YamlNode node, string field, string where, string what, string[] names, Func<string, int> bitOf)
        {
            var items = ReadStringNodes(node, field, where);
            if (items is null) return 0;
            var mask = 0;
            foreach (var (itemNode, name) in items)
            {
                var bit = bitOf(name);
                if (bit < 0)
                    Error(itemNode, $"unknown {what} '{name}' in {field} {where}; expected one of {string.Join(", ", names)}");
                else
                    mask |= FactsView.Bit(bit);
            }
            return mask;
        }

        /// <summary>A non-empty list of strings; a bare scalar is an error, not a one-item list.</summary>
        private List<(YamlNode Node, string Value)>? ReadStringNodes(YamlNode node, string field, string where)
        {
            if (node is not YamlSequenceNode seq)
            {
                Error(node, $"expected a list of strings for {field} {where}, found {KindOf(node)}; write [\"...\"] even for one item");
                return null;
            }
            if (seq.Children.Count == 0)
            {
                Error(node, $"empty list for {field} {where} would never match; expected at least one item (or leave the field out)");
                return null;
            }
            var items = new List<(YamlNode, string)>(seq.Children.Count);
            var ok = true;
            foreach (var item in seq.Children)
            {
                if (ReadString(item, $"an item of {field} {where}") is { } value)
                    items.Add((item, value));
                else
                    ok = false;
            }
            return ok ? items : null;
        }

        private string? ReadString(YamlNode node, string what)
        {
            if (node is YamlScalarNode scalar && !IsNull(scalar) && scalar.Value is { } value) return value;
            Error(node, $"expected a string for {what}, found {KindOf(node)}");
            return null;
        }

        private string? KeyOf(YamlNode keyNode, string where)
        {
            if (keyNode is YamlScalarNode { Value: { } key } s && !IsNull(s)) return key;
            Error(keyNode, $"expected a string key {where}, found {KindOf(keyNode)}");
            return null;
        }

        private void UnknownKey(YamlNode keyNode, string key, string where, string[] expected) =>
            Error(keyNode, $"unknown key '{key}' {where}; expected one of {string.Join(", ", expected)}");

        private static bool IsValidId(string id)
        {
            if (id.Length == 0 || !IsIdStart(id[0])) return false;
            foreach (var c in id)
                if (!IsIdStart(c) && c is not ('.' or '_' or '-')) return false;
            return true;
        }

        private static bool IsIdStart(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        private static string KindOf(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode s when IsNull(s) => "null",
            YamlScalarNode s => $"the scalar '{s.Value}'",
            _ => "an alias",
        };

        private void Error(YamlNode node, string message) => Error(node.Start, message);

        private void Error(Mark mark, string message) => Error((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message);

        private void Error(int line, int column, string message) => _errors.Add(new PolicyError(file, line, column, message));
    }
}
