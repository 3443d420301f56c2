using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;
using Interlock.Risk;

namespace Interlock.Core.Tests.Risk;

/// <summary>The resource map: loading with file:line:col errors, transitive coupling, and what it does to decisions.</summary>
public sealed class ResourceMapTests
{
    // The seeds' incident: one config file read by seven services.
    private const string SeedMap = """
        version: 1
        resources:
          - id: app-config
            kind: config
            match: ["/home/dev/project/config/app.yaml"]
            read_by: [api, worker, billing, search, mailer, scheduler, gateway]
          - { id: api, kind: service, environment: production }
          - { id: worker, kind: service, environment: production }
          - { id: billing, kind: service, environment: production }
          - { id: search, kind: service }
          - { id: mailer, kind: service }
          - { id: scheduler, kind: service }
          - { id: gateway, kind: service, depends_on: [api] }
          - id: backups
            kind: bucket
            protected: true
            match: ["/srv/backups/**", "s3://backups*"]
        """;

    private const string Policy = """
        version: v1
        resource_map: resources.yaml
        include: [default.yaml]
        """;

    private static PolicyStack Stack(string map = SeedMap, string policy = Policy)
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/interlock/policy.yaml"] = policy,
            ["/etc/interlock/resources.yaml"] = map,
            ["/etc/interlock/default.yaml"] = File.ReadAllText(Repository.PathOf("policies/default.yaml")),
        };
        var loaded = PolicyStackLoader.Load("/etc/interlock/policy.yaml", p => files.GetValueOrDefault(p));
        Assert.True(loaded.Success, string.Join('\n', loaded.Errors));
        return loaded.Stack;
    }

    private static Evaluation Check(PolicyStack stack, string command) =>
        new ActionEvaluator(stack).Evaluate(new ActionRequest { Command = command, Cwd = Repository.Workspace, Home = Repository.Home });

    [Fact]
    public void Downstream_is_transitive_nearest_first_and_survives_cycles()
    {
        var map = ResourceMapLoader.Load("""
            version: 1
            resources:
              - { id: a, read_by: [b] }
              - { id: b, read_by: [c] }
              - { id: c, read_by: [a] }
              - { id: d, depends_on: [c] }
            """, "m.yaml");
        Assert.True(map.Success, string.Join('\n', map.Errors));
        Assert.Equal(["b", "c", "d"], map.Map.Downstream("a").Select(r => r.Id));
        Assert.Equal(["a", "d", "b"], map.Map.Downstream("c").Select(r => r.Id));
        Assert.Empty(map.Map.Downstream("d"));
    }

    [Fact]
    public void A_config_file_read_by_seven_services_is_critical_and_needs_approval_though_it_is_a_workspace_edit()
    {
        var command = "sed -i s/replicas:3/replicas:1/ config/app.yaml";
        // Without the map the edit is an ordinary workspace change.
        Assert.Equal(Outcome.Allow, Repository.Check(command).Decision.Outcome);

        var e = Check(Stack(), command);
        Assert.Equal(BlastLevel.Critical, e.Risk.BlastRadius.Level);
        Assert.Equal(["app-config"], e.Risk.BlastRadius.Resources);
        Assert.Equal(["api", "worker", "billing", "search", "mailer", "scheduler", "gateway"], e.Risk.BlastRadius.Coupling);
        Assert.Equal(Outcome.RequireApproval, e.Decision.Outcome);
        Assert.Contains(ActionEvaluator.CriticalBlastRule, e.Decision.Rules);
        // Reading the file reaches nothing downstream.
        Assert.Equal(Outcome.Allow, Check(Stack(), "cat config/app.yaml").Decision.Outcome);
    }

    [Fact]
    public void A_protected_resource_in_the_map_cannot_be_deleted_by_any_rule()
    {
        var e = Check(Stack(), "rm -rf /srv/backups/2026-12-01");
        Assert.Equal(Outcome.Deny, e.Decision.Outcome);
        Assert.Contains(ActionEvaluator.ProtectedRule, e.Decision.Rules);
        Assert.Contains(e.Decision.Reasons, r => r.Contains("'backups'", StringComparison.Ordinal) && r.Contains("resources.yaml:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_map_is_part_of_the_policy_hash()
    {
        Assert.NotEqual(Stack().Hash, Stack(SeedMap.Replace("mailer, scheduler", "mailer", StringComparison.Ordinal).Replace("  - { id: scheduler, kind: service }\n", "", StringComparison.Ordinal)).Hash);
    }

    [Theory]
    [InlineData("version: 1\nresources:\n  - { id: a, read_by: [nope] }\n", 3, "'read_by' names 'nope', which is not a resource in this map")]
    [InlineData("version: 1\nresources:\n  - { id: a }\n  - { id: a }\n", 4, "duplicate resource id 'a'")]
    [InlineData("version: 1\nresources:\n  - { id: a, environment: prod }\n", 3, "unknown environment 'prod'; expected one of local, development, staging, production")]
    [InlineData("version: 1\nresources:\n  - { id: a, protect: true }\n", 3, "unknown key 'protect' in a resource")]
    [InlineData("version: 1\nresources:\n  - { kind: db }\n", 3, "a resource needs an 'id'")]
    [InlineData("version: 2\nresources: []\n", 1, "unsupported resource map version; expected 1")]
    [InlineData("version: 1\nresources:\n  - { id: a, match: \"[\" }\n", 3, "bad glob '['")]
    public void Map_errors_name_file_line_and_what_was_wrong(string text, int line, string message)
    {
        var result = ResourceMapLoader.Load(text, "resources.yaml");
        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.File == "resources.yaml" && e.Line == line && e.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_policy_naming_a_missing_map_does_not_load()
    {
        var loaded = PolicyStackLoader.Load("/p.yaml", p => p == "/p.yaml" ? "version: v1\ndefault: deny\nresource_map: gone.yaml\n" : null);
        Assert.False(loaded.Success);
        Assert.Contains(loaded.Errors, e => e.Line == 3 && e.Message.Contains("cannot read the resource map 'gone.yaml'", StringComparison.Ordinal));
    }
}
