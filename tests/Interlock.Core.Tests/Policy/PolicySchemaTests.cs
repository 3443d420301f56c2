using System.Globalization;
using System.Text.RegularExpressions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Interlock.Core.Tests.Policy;

/// <summary>policies/policy.schema.json accepts every shipped policy and documented example, and rejects broken ones.</summary>
public sealed partial class PolicySchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(Repository.PathOf("policies/policy.schema.json"))).GetAwaiter().GetResult());

    [GeneratedRegex("```yaml\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)$")]
    private static partial Regex Integer();

    /// <summary>YAML to JSON as a YAML 1.2 core-schema reader types plain scalars: null, booleans, integers, else strings.</summary>
    internal static JToken ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JObject(map.Children.Select(kv => new JProperty(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JArray(seq.Children.Select(ToJson)),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => JValue.CreateNull(),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } s => new JValue(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } s when Integer().IsMatch(s.Value!) => new JValue(long.Parse(s.Value!, CultureInfo.InvariantCulture)),
        YamlScalarNode s => new JValue(s.Value),
        _ => throw new InvalidOperationException("unsupported YAML node"),
    };

    private static ICollection<NJsonSchema.Validation.ValidationError> Validate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Schema.Value.Validate(ToJson(stream.Documents[0].RootNode));
    }

    private static IEnumerable<string> PolicyFiles() =>
        Directory.GetFiles(Repository.PathOf("policies"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".test.yaml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> ShippedPolicies() => new(PolicyFiles());

    [Theory]
    [MemberData(nameof(ShippedPolicies))]
    public void EveryShippedPolicyValidates(string relative)
    {
        var errors = Validate(File.ReadAllText(Repository.PathOf(relative)));
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void EveryExampleInThePolicyReferenceValidates()
    {
        var examples = YamlBlock().Matches(File.ReadAllText(Repository.PathOf("docs/policy.md"))).Select(m => m.Groups["body"].Value).ToList();
        Assert.NotEmpty(examples);
        foreach (var yaml in examples)
        {
            var errors = Validate(yaml);
            Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Path}: {e.Kind}")) + "\n" + yaml);
        }
    }

    [Fact]
    public void ShippedPoliciesPointEditorsAtTheSchema()
    {
        foreach (var relative in PolicyFiles())
        {
            var first = File.ReadLines(Repository.PathOf(relative)).First();
            var dir = Path.GetDirectoryName(Repository.PathOf(relative))!;
            Assert.StartsWith("# yaml-language-server: $schema=", first, StringComparison.Ordinal);
            var target = Path.GetFullPath(Path.Combine(dir, first["# yaml-language-server: $schema=".Length..]));
            Assert.Equal(Repository.PathOf("policies/policy.schema.json"), target);
        }
    }

    private const string Valid = "version: v1\ndefault: require_approval\nrules:\n  - id: r\n    match:\n      programs: [git]\n    decision: deny\n";

    [Fact]
    public void TheBaseDocumentOfTheRejectionCasesIsValid() => Assert.Empty(Validate(Valid));

    [Theory]
    [InlineData("version: v2\nrules: []\n")]
    [InlineData("rules:\n  - id: r\n    decision: deny\n")] // no version
    [InlineData("version: v1\ndefualt: deny\n")]
    [InlineData("version: v1\ndefault: maybe\n")]
    [InlineData("version: v1\nrules:\n  - id: Bad_Id\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    decison: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      tiers: [sometimes]\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      operations: [nuke]\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      environments: [prod]\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      min_blast_radius: huge\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      programs: git\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      not:\n        programz: [git]\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    match:\n      targets: [a]\n      resources: [b]\n    decision: deny\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    decision: allow_with_constraints\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    decision: deny\n    constraints: { max_concurrent: 1 }\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    decision: allow_with_constraints\n    constraints: { rate_limit: \"20 per hour\" }\n")]
    [InlineData("version: v1\nrules:\n  - id: r\n    decision: allow_with_constraints\n    constraints: { max_concurrent: 0 }\n")]
    [InlineData("version: v1\nagents:\n  - id: a\n    tier: never\n")]
    [InlineData("version: v1\nagents:\n  - tier: read_only\n")]
    [InlineData("version: v1\nprotected: \"/var/backups/**\"\n")]
    [InlineData("version: v1\ninclude: [\"\"]\n")]
    public void BrokenPoliciesAreRejected(string yaml)
    {
        Assert.NotEmpty(Validate(yaml));
        // The schema agrees with the loader on these.
        Assert.False(PolicyLoader.Load(yaml, "x.yaml").Success);
    }
}
