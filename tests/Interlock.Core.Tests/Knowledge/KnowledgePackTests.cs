using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Knowledge;
using Interlock.Knowledge.Packs;
using Interlock.Policy;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>Knowledge packs: the format expresses every built-in program, errors name their place, packs change decisions only as written.</summary>
public sealed class KnowledgePackTests
{
    private const string Flotsam = """
        version: 1
        programs:
          - names: [flotsam]
            value_options: [-n, --namespace, --kubeconfig]
            rows:
              - path: "backup get|backup describe|backup logs|schedule get|restore get"
                class: read
                reason: reads backups and schedules
                targets: false
              - path: "backup delete|schedule delete|restore delete"
                class: delete
                reason: deletes backups
                shared: true
                irreversible: true
        tests:
          - command: flotsam backup get
            decision: allow
          - command: flotsam backup delete nightly --confirm
            decision: require_approval
            class: delete
          - command: flotsam -n prod backup delete nightly --confirm
            decision: deny
        """;

    private static PolicyStack WithPacks(params KnowledgePack[] packs) => new(((PolicyStack)Repository.LoadPolicy("policies/default.yaml")).Layers, packs);

    private static KnowledgePack Pack(string text, string file = "pack.yaml")
    {
        var result = KnowledgePackLoader.Load(text, file);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Pack;
    }

    [Fact]
    public void APackTeachesAnUnknownProgramAndItsTestsPass()
    {
        var pack = Pack(Flotsam);
        var before = Repository.DefaultEvaluator.Evaluate(new ActionRequest { Command = "flotsam backup get", Cwd = Repository.Workspace, Home = Repository.Home });
        var evaluator = new ActionEvaluator(WithPacks(pack));
        Assert.Empty(PackTestRunner.Run([pack], evaluator));
        // Without the pack the same read is not understood: approval.
        Assert.NotEqual(Outcome.Allow, before.Decision.Outcome);
    }

    private const string StrictFlotsam = """
        version: 1
        programs:
          - names: [flotsam]
            options: strict
            flags: [-q, -v, --verbose, -0, -1, -2, -3, -4, -5, -6, -7, -8, -9]
            value_options: [-n, --namespace]
            exec_options: [--each]
            short_flag_clusters: true
            rows:
              - {path: "get", class: read, reason: "reads backups", targets: false}
              - {path: "delete", class: delete, reason: "deletes backups", any_flag: "--all|--dry-run=server", shared: true}
              - {path: "delete", class: delete, reason: "deletes a backup", target_options: "--from"}
        tests:
          - {command: "flotsam get", decision: allow}
          - {command: "flotsam -qv get", decision: allow}
          - {command: "flotsam -qnprod get", decision: allow}
          - {command: "flotsam -q -n -x get", decision: allow}
          - {command: "flotsam --namespace=prod --verbose get", decision: allow}
          - {command: "flotsam -25 get", decision: allow}
          - {command: "flotsam get -- --not-an-option", decision: allow}
          - {command: "flotsam get --each rm -rf x ';' -v", decision: allow}
          - {command: "flotsam --zz-unknown get", decision: require_approval}
          - {command: "flotsam --namespac=prod get", decision: require_approval}
          - {command: "flotsam -qz get", decision: require_approval}
          - {command: "flotsam -z get", decision: require_approval}
          - {command: "flotsam get --each rm ';' -rf", decision: require_approval}
        """;

    [Fact]
    public void AStrictGrammarMakesAnUnknownOptionAGap()
    {
        // Every word the grammar or its rows name is known (clusters, --opt=value, -xVALUE, `--`, an exec option's
        // command); any other option is a gap, where the same program read leniently takes it as a flag.
        var pack = Pack(StrictFlotsam);
        var spec = Assert.Single(pack.Programs);
        Assert.True(spec.StrictOptions);
        Assert.Null(spec.Grammar.Unknown("--all"));
        Assert.Null(spec.Grammar.Unknown("--dry-run=server"));
        Assert.Null(spec.Grammar.Unknown("--from"));
        Assert.Equal("-z", spec.Grammar.Unknown("-vz"));
        Assert.Equal("--namespac", spec.Grammar.Unknown("--namespac=x"));
        Assert.Empty(PackTestRunner.Run([pack], new ActionEvaluator(WithPacks(pack))));

        var lenient = Pack(StrictFlotsam.Replace("options: strict", "options: lenient", StringComparison.Ordinal));
        var e = new ActionEvaluator(WithPacks(lenient)).Evaluate(new ActionRequest { Command = "flotsam --zz-unknown get", Cwd = Repository.Workspace, Home = Repository.Home });
        Assert.Equal(Outcome.Allow, e.Decision.Outcome);
        var strict = new ActionEvaluator(WithPacks(pack)).Evaluate(new ActionRequest { Command = "flotsam --zz-unknown get", Cwd = Repository.Workspace, Home = Repository.Home });
        Assert.Contains(strict.Facts.Gaps, g => g.Kind == "unknown-option" && g.Detail.Contains("'flotsam'", StringComparison.Ordinal) && g.Detail.Contains("'--zz-unknown'", StringComparison.Ordinal));
    }

    [Fact]
    public void APackIsPartOfThePolicyHash()
    {
        var plain = WithPacks();
        var with = WithPacks(Pack(Flotsam));
        var changed = WithPacks(Pack(Flotsam.Replace("reads backups and schedules", "reads backups", StringComparison.Ordinal)));
        Assert.Equal(((PolicyStack)Repository.LoadPolicy("policies/default.yaml")).Hash, plain.Hash);
        Assert.NotEqual(plain.Hash, with.Hash);
        Assert.NotEqual(with.Hash, changed.Hash);
    }

    [Fact]
    public void AFailingPackTestIsReportedAtItsLine()
    {
        var pack = Pack(Flotsam.Replace("decision: require_approval", "decision: allow", StringComparison.Ordinal));
        var failure = Assert.Single(PackTestRunner.Run([pack], new ActionEvaluator(WithPacks(pack))));
        Assert.Equal(18, failure.Line);
        Assert.Contains("got require_approval, expected allow", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBuiltInProgramRoundTripsThroughThePackFormat()
    {
        // The format can say everything the built-in tables say: written and read back, the knowledge decides every
        // labelled command exactly as the built-in tables do.
        var text = KnowledgePackWriter.Write(CommandKnowledge.Default.Programs);
        var pack = Pack(text, "builtin.yaml");
        Assert.Equal(CommandKnowledge.Default.Programs.Count(), pack.Programs.Count);
        Assert.Equal(text, KnowledgePackWriter.Write(pack.Programs));
        var rebuilt = new ActionEvaluator(Repository.LoadPolicy("policies/default.yaml"), new ActionAnalyzer(new Interlock.Shell.ShellCommandAnalyzer(CommandKnowledge.Default.With([pack]))));
        var differences = new List<string>();
        foreach (var file in Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl", SearchOption.AllDirectories))
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = System.Text.Json.JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("command", out var c) || c.GetString() is not { } command) continue;
                var request = new ActionRequest { Command = command, Cwd = Repository.Workspace, Home = Repository.Home };
                var a = Repository.DefaultEvaluator.Evaluate(request).Decision;
                var b = rebuilt.Evaluate(request).Decision;
                if (a.Outcome != b.Outcome || !a.Reasons.SequenceEqual(b.Reasons)) differences.Add($"{command}: {a.Outcome} vs {b.Outcome}");
            }
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
    }

    [Theory]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - path: a\n        class: obliterate\n        reason: r\n", 6, 16, "unknown class 'obliterate'")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - path: a\n        class: read\n        reason: r\n        colour: red\n", 8, 9, "unknown key 'colour' in a row")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - path: a\n        class: read\n        reason: r\n        semantics: launch-missiles\n", 8, 20, "unknown semantics handler 'launch-missiles'")]
    [InlineData("version: 1\nprograms:\n  - names: [sudo]\n    rows: []\n", 3, 5, "'sudo' is a wrapper")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - class: read\n        reason: r\n", 5, 9, "a row needs 'path'")]
    [InlineData("version: 2\nprograms: []\n", 1, 10, "unsupported version '2'")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - path: a\n        class: read\n        reason: r\n        shared: maybe\n", 8, 17, "expected true or false for 'shared'")]
    [InlineData("version: 1\ntests:\n  - command: ls\n", 3, 5, "a test needs 'decision' or 'class'")]
    [InlineData("version: 1\nprograms: [\n", 3, 1, "")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - path: a\n        class: read\n        reason: r\n  - names: [x]\n    rows:\n      - path: b\n        class: read\n        reason: r\n", 8, 5, "program 'x' is described twice")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    options: tight\n    rows: []\n", 4, 14, "expected strict or lenient for 'options'")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    flags: {a: b}\n    rows: []\n", 4, 12, "expected a string or a list of strings for 'flags'")]
    // Flow-mapping rows, the common shape, and repeated keys (refused, not read as their last value).
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - {path: a, class: read, reason: r, colour: red}\n", 5, 43, "unknown key 'colour' in a row")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - {path: a, class: obliterate, reason: r}\n", 5, 26, "unknown class 'obliterate'")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - {path: a, class: read, reason: r, class: delete}\n", 5, 43, "YAML syntax error: Duplicate key class")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - {path: a, class: read, \"path\": b, reason: r}\n", 5, 32, "YAML syntax error: Duplicate key path")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows: []\n    names: [y]\n", 5, 5, "YAML syntax error: Duplicate key names")]
    [InlineData("version: 1\ncolour: {a: 1, a: 2}\nprograms: []\n", 2, 16, "YAML syntax error: Duplicate key a")]
    [InlineData("version: 1\nprograms: all of them\n", 2, 11, "expected a list for 'programs', found a scalar")]
    [InlineData("version: 1\nprograms:\n  - names: [x]\n    rows:\n      - just-text\n", 5, 9, "expected a row (a mapping with path, class and reason), found a scalar")]
    [InlineData("", 1, 1, "expected a mapping with version, programs and tests")]
    public void ABadPackIsRefusedWithTheErrorAtItsPlace(string text, int line, int column, string message)
    {
        var result = KnowledgePackLoader.Load(text, "bad.yaml");
        Assert.False(result.Success);
        var error = result.Errors[0];
        Assert.Equal(("bad.yaml", line, column), (error.File, error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARepeatedKeyIsTheOnlyErrorAndIsFoundInALargeMapping()
    {
        // A repeated key stops the read (one error, as YamlDotNet's node tree gave), wherever it is, and a mapping with
        // many keys is checked with a set, not by comparing each key with all before it.
        var many = string.Join(", ", Enumerable.Range(0, 60).Select(i => $"k{i}: v")) + ", k7: again";
        var result = KnowledgePackLoader.Load($"version: 1\ncolour: {{{many}}}\nprograms: []\n", "bad.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal("bad.yaml:2:" + ($"colour: {{{many}}}".IndexOf("k7: again", StringComparison.Ordinal) + 1) + ": YAML syntax error: Duplicate key k7", error.ToString());
        var distinct = string.Join(", ", Enumerable.Range(0, 60).Select(i => $"k{i}: v"));
        var ok = KnowledgePackLoader.Load($"version: 1\ncolour: {{{distinct}}}\nprograms: []\n", "bad.yaml");
        Assert.DoesNotContain(ok.Errors, e => e.Message.Contains("Duplicate", StringComparison.Ordinal));
        Assert.Contains(ok.Errors, e => e.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void ABrokenFlowListIsASyntaxErrorNotACrash()
    {
        // YamlDotNet's scanner throws InvalidOperationException (not YamlException) on this text; a pack or a policy
        // with it must fail closed with a position like any other syntax error.
        const string text = "version: 1\nprograms:\n  - names: [x,\n    flags: [b,\n";
        var pack = KnowledgePackLoader.Load(text, "bad.yaml");
        Assert.Equal("bad.yaml:3:14: YAML syntax error: the text cannot be read after this point", Assert.Single(pack.Errors).ToString());
        var policy = PolicyLoader.Load(text, "policy.yaml");
        Assert.False(policy.Success);
        Assert.Contains(policy.Errors, e => e.Message.Contains("cannot be read after this point", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRowReaderKnowsEveryRowKeyInTheSchemaOrder()
    {
        // The reader keeps a row's values by the key's place in PackSchema.RowKeys, named by RowKey: the two must agree.
        var names = Enum.GetNames<KnowledgePackLoader.RowKey>()
            .Select(n => string.Concat(n.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));
        Assert.Equal(PackSchema.RowKeys, names);
    }

    [Fact]
    public void APolicyNamesItsPackDirectoryAndAnErrorInAPackFailsTheWholeLoad()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/p/policy.yaml"] = "version: v1\ninclude: [/builtin/default.yaml]\nknowledge: [packs]\n",
            ["/builtin/default.yaml"] = File.ReadAllText(Repository.PathOf("policies/default.yaml")),
            ["/p/packs/flotsam.yaml"] = Flotsam,
        };
        IReadOnlyList<string>? List(string dir) => dir == "/p/packs" ? ["/p/packs/flotsam.yaml"] : null;
        var loaded = PolicyStackLoader.Load("/p/policy.yaml", f => files.GetValueOrDefault(f), List);
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        var e = new ActionEvaluator(loaded.Stack).Evaluate(new ActionRequest { Command = "flotsam backup get", Cwd = Repository.Workspace, Home = Repository.Home });
        Assert.Equal(Outcome.Allow, e.Decision.Outcome);

        files["/p/packs/flotsam.yaml"] = Flotsam.Replace("class: delete", "class: remove", StringComparison.Ordinal);
        var broken = PolicyStackLoader.Load("/p/policy.yaml", f => files.GetValueOrDefault(f), List);
        Assert.False(broken.Success);
        Assert.Contains(broken.Errors, x => x.File == "/p/packs/flotsam.yaml" && x.Message.Contains("unknown class 'remove'", StringComparison.Ordinal));

        var missing = PolicyStackLoader.Load("/p/policy.yaml", f => files.GetValueOrDefault(f), _ => null);
        Assert.Contains(missing.Errors, x => x.File == "/p/policy.yaml" && x.Line == 3 && x.Message.Contains("cannot read the knowledge directory", StringComparison.Ordinal));
    }

    [Fact]
    public void APackOverridesABuiltInProgramWhole()
    {
        var pack = Pack("""
            version: 1
            programs:
              - names: [terraform]
                rows:
                  - path: "plan|validate|fmt"
                    class: read
                    reason: reads
                    targets: false
            """);
        var knowledge = CommandKnowledge.Default.With([pack]);
        Assert.True(knowledge.TryGetProgram("terraform", out var spec));
        Assert.Single(spec.Rows);
        // A verb the override does not describe is unknown again (approval), not the built-in's answer.
        var e = new ActionEvaluator(WithPacks(pack)).Evaluate(new ActionRequest { Command = "terraform destroy -auto-approve", Cwd = Repository.Workspace, Home = Repository.Home });
        Assert.NotEqual(Outcome.Allow, e.Decision.Outcome);
    }
}
