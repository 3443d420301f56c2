using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Cloud;

namespace Interlock.Storage.Tests.Previews.Cloud;

/// <summary>Scope read from cloud and cluster commands: targets, resizes (old → new from the map), flags that remove a safety net.</summary>
public sealed class CloudScopePreviewerTests
{
    private static readonly ResourceMap Map = ResourceMapLoader.Load("""
        version: 1
        resources:
          - { id: prod-cache, kind: cache, environment: production, size: cache.r6g.xlarge, match: ["prod-cache"] }
        """, "m.yaml").Map!;

    private static Task<Preview?> PreviewAsync(string command) =>
        new CloudScopePreviewer().PreviewAsync(PreviewTestSupport.Context(command, "/home/dev/project", Map), CancellationToken.None);

    [Fact]
    public async Task The_seeds_cache_downsizing_shows_old_and_new_size_and_that_it_applies_now()
    {
        var p = (await PreviewAsync("aws elasticache modify-replication-group --replication-group-id prod-cache --cache-node-type cache.t3.micro --apply-immediately"))!;
        Assert.Equal("aws elasticache modify-replication-group sets cache-node-type cache.r6g.xlarge → cache.t3.micro; applied now, not in the maintenance window", p.Headline);
        Assert.Equal(["target:replication-group-id prod-cache", "resize:cache-node-type: cache.r6g.xlarge → cache.t3.micro", "flag:--apply-immediately"], p.Items.Select(i => $"{i.Kind}:{i.Text}"));
    }

    [Fact]
    public async Task A_size_the_map_does_not_know_is_shown_as_unknown()
    {
        var p = (await PreviewAsync("aws rds modify-db-instance --db-instance-identifier prod-db --db-instance-class db.t3.small"))!;
        Assert.Contains("resize:db-instance-class: (current size unknown) → db.t3.small", p.Items.Select(i => $"{i.Kind}:{i.Text}"));
    }

    [Fact]
    public async Task Skipping_the_final_snapshot_makes_a_delete_irreversible()
    {
        var p = (await PreviewAsync("aws rds delete-db-instance --db-instance-identifier prod-db --skip-final-snapshot"))!;
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        Assert.Contains("no final snapshot is taken", p.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_scope_names_the_kind_namespace_and_all()
    {
        var p = (await PreviewAsync("kubectl delete pods --all -n prod"))!;
        Assert.Equal(["target:pods", "target:namespace/prod", "flag:--all"], p.Items.Select(i => $"{i.Kind}:{i.Text}"));
        Assert.Null(await PreviewAsync("kubectl get pods -n prod"));
        Assert.Null(await PreviewAsync("git push origin main"));
    }
}
