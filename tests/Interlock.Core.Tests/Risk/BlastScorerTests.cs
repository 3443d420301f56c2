using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Core.Tests.Risk;

/// <summary>The documented blast formula (docs/blast-radius.md): each dimension, the tier floor, and two highs make critical.</summary>
public sealed class BlastScorerTests
{
    private static MappedResource R(string id, EnvironmentKind env = EnvironmentKind.Unknown, bool prot = false) => new() { Id = id, Environment = env, Protected = prot };

    private static BlastLevel Level(Tier tier, string scope, Reversibility rev, int dependents = 0, long? count = null, bool prodDownstream = false) =>
        BlastScorer.Score(tier, scope, rev, false, EnvironmentKind.Unknown, [],
            [.. Enumerable.Range(0, dependents).Select(i => R("r" + i, prodDownstream && i == 0 ? EnvironmentKind.Production : EnvironmentKind.Unknown))], count, "files").Level;

    [Theory]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, 0, BlastLevel.Low)]
    [InlineData(Tier.WriteAutonomous, "machine", Reversibility.Reversible, 0, BlastLevel.Medium)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Recoverable, 0, BlastLevel.Medium)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Irreversible, 0, BlastLevel.High)]
    [InlineData(Tier.WriteAutonomous, "shared", Reversibility.Reversible, 0, BlastLevel.High)]
    [InlineData(Tier.WriteAutonomous, "shared", Reversibility.Irreversible, 0, BlastLevel.Critical)]
    [InlineData(Tier.WriteAutonomous, "production", Reversibility.Irreversible, 0, BlastLevel.Critical)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, 2, BlastLevel.Medium)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, 3, BlastLevel.High)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, 6, BlastLevel.Critical)]
    [InlineData(Tier.WriteAutonomous, "workspace", Reversibility.Irreversible, 3, BlastLevel.Critical)]
    [InlineData(Tier.WriteWithConfirmation, "workspace", Reversibility.Reversible, 0, BlastLevel.Medium)]
    [InlineData(Tier.Never, "workspace", Reversibility.Reversible, 0, BlastLevel.High)]
    [InlineData(Tier.ReadOnly, "none", Reversibility.Reversible, 0, BlastLevel.Low)]
    public void Each_dimension_and_the_tier_floor(Tier tier, string scope, Reversibility rev, int dependents, BlastLevel expected) =>
        Assert.Equal(expected, Level(tier, scope, rev, dependents));

    [Fact]
    public void A_large_counted_scope_raises_scope_one_step()
    {
        Assert.Equal(BlastLevel.Low, Level(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, count: BlastScorer.LargeScope));
        Assert.Equal(BlastLevel.Medium, Level(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, count: BlastScorer.LargeScope + 1));
    }

    [Fact]
    public void A_production_or_protected_resource_downstream_makes_coupling_high()
    {
        Assert.Equal(BlastLevel.Medium, Level(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, dependents: 1));
        Assert.Equal(BlastLevel.High, Level(Tier.WriteAutonomous, "workspace", Reversibility.Reversible, dependents: 1, prodDownstream: true));
    }
}

/// <summary>What the analysis alone says about undoing data and infrastructure changes (the reviewer page once showed them as reversible).</summary>
public sealed class StaticReversibilityTests
{
    [Theory]
    [InlineData("psql -h db.internal -c \"UPDATE users SET plan = 1 WHERE id = 2\"")]
    [InlineData("sqlite3 app.db \"DELETE FROM users WHERE id = 1\"")]
    [InlineData("mysql -h db -e \"UPDATE orders SET state = 'x' WHERE id = 3\"")]
    [InlineData("terraform apply -auto-approve")]
    public void Changing_stored_data_or_infrastructure_is_irreversible_until_a_preview_shows_a_way_back(string command) =>
        Assert.Equal(Reversibility.Irreversible, Interlock.Core.Tests.TestSupport.Repository.Check(command).Risk.BlastRadius.Reversibility);

    [Theory]
    [InlineData("psql -h db.internal -c \"SELECT * FROM users\"")]
    [InlineData("sed -i s/a/b/ src/app.py")]
    public void Reading_or_editing_workspace_files_stays_reversible(string command) =>
        Assert.Equal(Reversibility.Reversible, Interlock.Core.Tests.TestSupport.Repository.Check(command).Risk.BlastRadius.Reversibility);

    [Fact]
    public void A_read_from_production_into_a_workspace_file_is_scored_by_what_it_changes()
    {
        // The dump reads production; only the workspace file changes. Scored by the read, it was critical and needed approval.
        var e = Interlock.Core.Tests.TestSupport.Repository.Check("pg_dump production > backup.sql");
        Assert.Equal(Interlock.Actions.Outcome.Allow, e.Decision.Outcome);
        Assert.Equal("workspace", e.Risk.BlastRadius.Scope);
        Assert.Equal(Interlock.Actions.EnvironmentKind.Unknown, e.Risk.BlastRadius.Environment);
    }
}
