using System.Security.Cryptography;
using System.Text;
using Interlock.Actions;
using Interlock.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Interlock.Risk;

/// <summary>The outcome of loading a resource map: the map, or every error with its file, line and column.</summary>
public sealed record ResourceMapLoadResult(ResourceMap? Map, IReadOnlyList<PolicyError> Errors)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Map))]
    public bool Success => Map is not null;
}

/// <summary>
/// Reads a resource map file (<c>version: 1</c>, <c>resources:</c> a list of <c>id</c>, <c>kind</c>, <c>environment</c>,
/// <c>protected</c>, <c>match</c>, <c>connection</c>, <c>preview</c>, <c>size</c>, <c>depends_on</c>, <c>read_by</c>). Unknown keys,
/// duplicate ids and edges to resources that are not in the map are errors: a typo must not silently cut a coupling.
/// </summary>
public static class ResourceMapLoader
{
    /// <summary>Most resources one map may hold.</summary>
    public const int MaxResources = 10_000;

    private static readonly string[] Keys = ["id", "kind", "environment", "protected", "match", "connection", "preview", "size", "depends_on", "read_by", "description"];
    private static readonly string[] Environments = ["local", "development", "staging", "production"];

    public static ResourceMapLoadResult Load(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<PolicyError>();
        void Error(YamlNode? node, string message) =>
            errors.Add(new PolicyError(file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return new(null, [new PolicyError(file, (int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML: {ex.Message}")]);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            return new(null, [new PolicyError(file, 1, 1, "a resource map is one YAML mapping with 'version: 1' and 'resources:'")]);

        YamlSequenceNode? list = null;
        foreach (var (k, v) in root.Children)
        {
            switch (Scalar(k))
            {
                case "version":
                    if (Scalar(v) != "1") Error(v, "unsupported resource map version; expected 1");
                    break;
                case "resources":
                    if (v is YamlSequenceNode s) list = s;
                    else Error(v, "'resources' must be a list of resources");
                    break;
                default:
                    Error(k, $"unknown key '{Scalar(k)}' in the resource map; expected version, resources");
                    break;
            }
        }
        if (list is null)
        {
            if (errors.Count == 0) Error(root, "the resource map has no 'resources' list");
            return new(null, errors);
        }
        if (list.Children.Count > MaxResources) return new(null, [new PolicyError(file, (int)list.Start.Line, (int)list.Start.Column, $"more than {MaxResources} resources")]);

        var resources = new List<MappedResource>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var edges = new List<(string To, YamlNode Node, string From)>();
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode m)
            {
                Error(item, "each resource is a mapping with at least an 'id'");
                continue;
            }
            string? id = null;
            var r = new MappedResource { Id = "", File = file, Line = (int)m.Start.Line };
            foreach (var (k, v) in m.Children)
            {
                var key = Scalar(k);
                switch (key)
                {
                    case "id":
                        id = Scalar(v);
                        if (string.IsNullOrWhiteSpace(id)) { Error(v, "'id' must be a non-empty string"); id = null; }
                        break;
                    case "kind": r = r with { Kind = Scalar(v) ?? r.Kind }; break;
                    case "description": break;
                    case "environment":
                        var env = Scalar(v);
                        int e = env is null ? -1 : Array.IndexOf(Environments, env);
                        if (e < 0) Error(v, $"unknown environment '{env}'; expected one of {string.Join(", ", Environments)}");
                        else r = r with { Environment = (EnvironmentKind)(e + 1) };
                        break;
                    case "protected" or "preview":
                        if (Scalar(v) is not ("true" or "false")) Error(v, $"'{key}' must be true or false");
                        else if (key == "protected") r = r with { Protected = Scalar(v) == "true" };
                        else r = r with { Preview = Scalar(v) == "true" };
                        break;
                    case "connection": r = r with { Connection = Scalar(v) }; break;
                    case "size": r = r with { Size = Scalar(v) }; break;
                    case "match":
                        var globs = new List<Glob>();
                        foreach (var (node, pattern) in Strings(v, key, Error))
                        {
                            if (Glob.TryParse(pattern, out var g, out var why, out _)) globs.Add(g);
                            else Error(node, $"bad glob '{pattern}' in 'match': {why}");
                        }
                        r = r with { Match = globs };
                        break;
                    case "depends_on" or "read_by":
                        var names = new List<string>();
                        foreach (var (node, name) in Strings(v, key, Error))
                        {
                            names.Add(name);
                            edges.Add((name, node, key));
                        }
                        r = key == "depends_on" ? r with { DependsOn = names } : r with { ReadBy = names };
                        break;
                    default:
                        Error(k, $"unknown key '{key}' in a resource; expected one of {string.Join(", ", Keys)}");
                        break;
                }
            }
            if (id is null)
            {
                if (!m.Children.ContainsKey(new YamlScalarNode("id"))) Error(m, "a resource needs an 'id'");
                continue;
            }
            if (!ids.Add(id)) Error(m, $"duplicate resource id '{id}'");
            resources.Add(r with { Id = id });
        }
        foreach (var (to, node, from) in edges)
            if (!ids.Contains(to)) Error(node, $"'{from}' names '{to}', which is not a resource in this map");
        if (errors.Count > 0) return new(null, errors);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new(new ResourceMap(resources, hash), []);
    }

    private static string? Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value : null;

    private static List<(YamlNode Node, string Value)> Strings(YamlNode v, string key, Action<YamlNode?, string> error)
    {
        var result = new List<(YamlNode, string)>();
        if (v is YamlScalarNode { Value: { Length: > 0 } one }) result.Add((v, one));
        else if (v is YamlSequenceNode seq)
        {
            foreach (var c in seq.Children)
            {
                if (c is YamlScalarNode { Value: { Length: > 0 } s }) result.Add((c, s));
                else error(c, $"'{key}' entries must be non-empty strings");
            }
        }
        else error(v, $"'{key}' must be a string or a list of strings");
        return result;
    }
}
