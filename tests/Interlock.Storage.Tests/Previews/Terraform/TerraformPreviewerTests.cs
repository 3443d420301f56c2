using Interlock.Actions;
using Interlock.Pipeline;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Terraform;
using Microsoft.Extensions.Time.Testing;

namespace Interlock.Storage.Tests.Previews.Terraform;

/// <summary>The Terraform preview on plan JSON written for the tests: exact counts, protections, snapshot ages.</summary>
public sealed class TerraformPreviewerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public void Dispose() => _dir.Dispose();

    private static string Change(string address, string type, string actions, string before = "null") =>
        $$$"""{"address":"{{{address}}}","mode":"managed","type":"{{{type}}}","name":"x","change":{"actions":[{{{actions}}}],"before":{{{before}}},"after":null}}""";

    // The seeds' picture: the database destroyed (no deletion protection, last snapshot 9 days ago), 2 replaced, 5 updated.
    private static string SeedPlan(string dbBefore = """{"identifier":"prod-db","deletion_protection":false,"skip_final_snapshot":true}""") =>
        $$$"""
        {"format_version":"1.2","terraform_version":"1.9.0",
         "resource_changes":[
          {{{Change("aws_db_instance.main", "aws_db_instance", "\"delete\"", dbBefore)}}},
          {{{Change("aws_instance.web[0]", "aws_instance", "\"delete\",\"create\"", """{"id":"i-1"}""")}}},
          {{{Change("aws_instance.web[1]", "aws_instance", "\"create\",\"delete\"", """{"id":"i-2"}""")}}},
          {{{string.Join(",", Enumerable.Range(1, 5).Select(i => Change($"aws_security_group_rule.r{i}", "aws_security_group_rule", "\"update\"", "{}")))}}},
          {{{Change("data.aws_ami.ubuntu", "aws_ami", "\"read\"")}}},
          {{{Change("aws_s3_bucket.logs", "aws_s3_bucket", "\"no-op\"", "{}")}}}
         ],
         "prior_state":{"values":{"root_module":{"resources":[
          {"address":"aws_db_snapshot.nightly","type":"aws_db_snapshot","values":{"db_instance_identifier":"prod-db","snapshot_create_time":"2026-11-28T03:00:00Z"}},
          {"address":"aws_db_snapshot.older","type":"aws_db_snapshot","values":{"db_instance_identifier":"prod-db","snapshot_create_time":"2026-10-01T03:00:00Z"}}
         ]} } } }
        """;

    private async Task<Preview?> PreviewAsync(string command, string? planJson = null, string? tf = null, ResourceMap? map = null)
    {
        if (planJson is not null) await File.WriteAllTextAsync(Path.Combine(_dir.Path, "tfplan.json"), planJson);
        if (tf is not null) await File.WriteAllTextAsync(Path.Combine(_dir.Path, "main.tf"), tf);
        var previewer = new TerraformPreviewer(_clock, new TerraformPreviewOptions { Program = null });
        return await previewer.PreviewAsync(PreviewTestSupport.Context(command, _dir.Path, map), CancellationToken.None);
    }

    [Fact]
    public async Task A_saved_plan_lists_the_destroyed_database_with_its_last_snapshot_then_replaces_and_updates()
    {
        var p = (await PreviewAsync("terraform apply tfplan", SeedPlan()))!;
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal("destroys aws_db_instance.main (no deletion protection, last snapshot 9 days ago (aws_db_snapshot.nightly)), replaces 2, updates 5 (from tfplan.json)", p.Headline);
        Assert.Equal(8, p.Count);
        Assert.Equal("resources", p.Unit);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility); // the replaced instances have no snapshot
        Assert.Equal(["delete", "replace", "replace", "update", "update", "update", "update", "update"], p.Items.Select(i => i.Kind));
        Assert.Equal("aws_db_instance.main", p.Items[0].Text);
        Assert.Empty(p.ProtectedLosses);
    }

    [Fact]
    public async Task Deleting_only_snapshotted_resources_is_recoverable_and_a_final_snapshot_counts()
    {
        var plan = """{"format_version":"1.2","resource_changes":[""" + Change("aws_db_instance.main", "aws_db_instance", "\"delete\"",
            """{"identifier":"prod-db","skip_final_snapshot":false,"final_snapshot_identifier":"prod-db-final"}""") + "]}";
        var p = (await PreviewAsync("terraform apply tfplan", plan))!;
        Assert.Equal(Reversibility.Recoverable, p.Reversibility);
        Assert.Contains("a final snapshot 'prod-db-final' is taken on delete", p.Items[0].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"identifier":"prod-db","deletion_protection":true}""", null, "delete of aws_db_instance.main (deletion_protection is on)")]
    [InlineData("""{"identifier":"prod-db"}""", "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n", "delete of aws_db_instance.main (prevent_destroy is on)")]
    public async Task A_protected_resource_deleted_is_a_protected_loss(string before, string? tf, string loss)
    {
        var p = (await PreviewAsync("terraform apply tfplan", SeedPlan(before), tf))!;
        Assert.Equal([loss], p.ProtectedLosses);
    }

    [Fact]
    public async Task A_resource_protected_in_the_map_is_a_protected_loss()
    {
        var map = ResourceMapLoader.Load("version: 1\nresources:\n  - { id: prod-db, protected: true, match: [\"aws_db_instance.main\"] }\n", "m.yaml").Map!;
        var p = (await PreviewAsync("terraform apply tfplan", SeedPlan(), map: map))!;
        Assert.Equal(["delete of aws_db_instance.main (resource 'prod-db' is protected in the resource map)"], p.ProtectedLosses);
    }

    [Fact]
    public async Task Destroy_reads_the_local_state_and_lists_every_resource()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "terraform.tfstate"), """
            {"version":4,"resources":[
              {"mode":"managed","type":"aws_s3_bucket","name":"logs","instances":[{"attributes":{"id":"logs"}}]},
              {"mode":"managed","type":"aws_instance","name":"web","instances":[{"index_key":0,"attributes":{"id":"i-1"}},{"index_key":1,"attributes":{"id":"i-2","disable_api_termination":true}}]},
              {"mode":"data","type":"aws_ami","name":"u","instances":[{"attributes":{}}]}
            ]}
            """);
        var p = (await PreviewAsync("terraform destroy -auto-approve"))!;
        Assert.Equal(3, p.Count);
        Assert.Equal(["aws_s3_bucket.logs", "aws_instance.web[0]", "aws_instance.web[1]"], p.Items.Select(i => i.Text));
        Assert.Equal(["delete of aws_instance.web[1] (disable_api_termination is on)"], p.ProtectedLosses);
        Assert.StartsWith("destroys aws_s3_bucket.logs (no deletion protection, no snapshot or backup in the plan's state), destroys 2 more", p.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_saved_plan_the_preview_is_incomplete_and_says_how_to_get_one()
    {
        var p = (await PreviewAsync("terraform apply -auto-approve"))!;
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Contains("terraform plan -out=tfplan", p.Limit, StringComparison.Ordinal);
        Assert.Null(await PreviewAsync("terraform plan"));
        Assert.Null(await PreviewAsync("git push origin main"));
    }

    [Fact]
    public async Task A_plan_that_is_not_a_plan_is_a_clear_error()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "tfplan.json"), """{"resource_changes":[]}""");
        var runner = new PreviewRunner([new TerraformPreviewer(_clock, new TerraformPreviewOptions { Program = null })], _clock);
        var found = await runner.RunAsync(PreviewTestSupport.Evaluate("terraform apply tfplan", _dir.Path), ResourceMap.Empty, CancellationToken.None);
        var p = Assert.Single(found);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Contains("no format_version", p.Limit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_the_pipeline_a_protected_loss_is_a_recorded_deny()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "tfplan.json"), SeedPlan("""{"identifier":"prod-db","deletion_protection":true}"""));
        var recorded = new List<Interlock.Audit.AuditEntry>();
        var pipeline = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => PreviewTestSupport.Evaluator,
            Recorder = new ListRecorder(recorded),
            Previews = new PreviewRunner([new TerraformPreviewer(_clock, new TerraformPreviewOptions { Program = null })], _clock),
        });
        var reply = await pipeline.DecideAsync(new ActionRequest { Command = "terraform apply tfplan", Cwd = _dir.Path, Home = "/home/dev" }, null, CancellationToken.None);
        Assert.Equal(Outcome.Deny, reply.Decision.Outcome);
        var document = DecisionDocumentJson.Read(Assert.Single(recorded).Payload)!;
        Assert.Equal(Outcome.Deny, document.Decision.Outcome);
        Assert.Equal(["delete of aws_db_instance.main (deletion_protection is on)"], Assert.Single(document.Previews).ProtectedLosses);
    }

    private sealed class ListRecorder(List<Interlock.Audit.AuditEntry> into) : IDecisionRecorder
    {
        public Task RecordAsync(Interlock.Audit.AuditEntry entry, CancellationToken cancellationToken)
        {
            into.Add(entry);
            return Task.CompletedTask;
        }
    }
}
