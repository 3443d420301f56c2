using System.Text.Json;

namespace Interlock.Cli.Tests;

/// <summary><c>interlock plan</c> and <c>interlock map lint|show|impact</c>, end to end through the CLI.</summary>
public sealed class PlanAndMapCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("il-plan-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Plan = """
        {"format_version":"1.2","resource_changes":[
         {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","change":{"actions":["delete"],"before":{"identifier":"prod-db","deletion_protection":false}}},
         {"address":"aws_instance.web","mode":"managed","type":"aws_instance","change":{"actions":["update"],"before":{}}}]}
        """;

    private const string Map = """
        version: 1
        resources:
          - { id: app-config, kind: config, match: ["/home/dev/project/config/*"], read_by: [api, worker] }
          - { id: api, kind: service, environment: production, depends_on: [cache] }
          - { id: worker, kind: service }
          - { id: cache, kind: cache, read_by: [api] }
        """;

    [Fact]
    public void Plan_shows_the_terraform_preview_in_text_and_in_the_json_document()
    {
        Write("infra/tfplan.json", Plan);
        var cwd = Path.Combine(_dir, "infra");
        var text = InterlockProcess.Run(["plan", "--no-audit", "--cwd", cwd, "--", "terraform", "apply", "tfplan"]);
        Assert.Equal(3, text.ExitCode);
        Assert.Contains("preview (terraform): destroys aws_db_instance.main (no deletion protection, no snapshot or backup in the plan's state), updates 1 (from tfplan.json)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("blast radius: critical — scope: shared, 2 resources; irreversible", text.Stdout, StringComparison.Ordinal);

        var json = InterlockProcess.Run(["plan", "--no-audit", "--json", "--cwd", cwd, "--", "terraform apply tfplan"]);
        using var doc = JsonDocument.Parse(json.Stdout);
        var preview = doc.RootElement.GetProperty("previews")[0];
        Assert.Equal("terraform", preview.GetProperty("previewer").GetString());
        Assert.Equal(2, preview.GetProperty("count").GetInt32());
        Assert.Equal("irreversible", doc.RootElement.GetProperty("blast_radius").GetProperty("reversibility").GetString());
        // check is the fast path: it never previews.
        var check = InterlockProcess.Run(["check", "--no-audit", "--json", "--cwd", cwd, "--", "terraform apply tfplan"]);
        using var checkDoc = JsonDocument.Parse(check.Stdout);
        Assert.False(checkDoc.RootElement.TryGetProperty("previews", out _));
    }

    [Fact]
    public void Map_lint_names_the_line_and_map_impact_lists_what_a_change_reaches()
    {
        var bad = Write("bad.yaml", "version: 1\nresources:\n  - { id: a, read_by: [b] }\n");
        var lint = InterlockProcess.Run(["map", "lint", bad]);
        Assert.Equal(1, lint.ExitCode);
        Assert.Contains($"{bad}:3:", lint.Stderr, StringComparison.Ordinal);
        Assert.Contains("'read_by' names 'b', which is not a resource in this map", lint.Stderr, StringComparison.Ordinal);

        var good = Write("map.yaml", Map);
        var ok = InterlockProcess.Run(["map", "lint", good]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("4 resources, 4 coupling edges, 0 protected", ok.Stdout, StringComparison.Ordinal);

        var impact = InterlockProcess.Run(["map", "impact", "--map", good, "/home/dev/project/config/app.yaml"]);
        Assert.Equal(0, impact.ExitCode);
        Assert.Contains("app-config (config): a change reaches 2 resources; coupling alone scores high", impact.Stdout, StringComparison.Ordinal);
        Assert.Equal(["  api (service, production)", "  worker (service)"], impact.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToArray());

        var cycle = InterlockProcess.Run(["map", "impact", "--map", good, "cache"]);
        Assert.Contains("cache (cache): a change reaches 1 resource;", cycle.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_with_a_map_makes_a_coupled_workspace_edit_need_approval()
    {
        Write("map.yaml", Map.Replace("read_by: [api, worker]", "read_by: [api, worker, w3, w4, w5, w6]", StringComparison.Ordinal)
            + "\n  - { id: w3 }\n  - { id: w4 }\n  - { id: w5 }\n  - { id: w6 }\n");
        var policy = Write("policy.yaml", $"version: v1\nresource_map: map.yaml\ninclude: [{Path.Combine(InterlockProcess.Root, "policies", "default.yaml")}]\n");
        var r = InterlockProcess.Run(["check", "--no-audit", "--policy", policy, "--cwd", "/home/dev/project", "--", "sed -i s/a/b/ config/app.yaml"]);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("builtin:critical-blast", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("coupling: 6 downstream (api, worker, w3, w4, w5, w6)", r.Stdout, StringComparison.Ordinal);
    }
}
