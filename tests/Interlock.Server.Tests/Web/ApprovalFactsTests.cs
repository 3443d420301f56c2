using Interlock.Previews;
using Interlock.Server.Web;

namespace Interlock.Server.Tests.Web;

/// <summary>What the reviewer page reads from a decision's audit payload, for records written now and before previews.</summary>
public sealed class ApprovalFactsTests
{
    [Fact]
    public void A_current_payload_gives_the_three_dimensions_the_environment_and_the_structured_previews()
    {
        const string payload = """
            {"action":{"source":"shell","command":"psql -c 'update orders set paid = true'","cwd":"/srv"},"id":"act_1","decision":"require_approval","tier":"write_with_confirmation","reasons":["changes production"],"rules":["production-changes"],"policy_hash":"abc",
             "blast_radius":{"level":"critical","scope":"production","reversible":false,"shared_state":true,"reversibility":"recoverable","scope_count":1204,"scope_unit":"rows","resources":["orders-db"],"coupling":["billing","reports"],"reasons":["scope: production, 1204 rows counted","recoverable","environment: production"]},
             "previews":[{"previewer":"sql","headline":"UPDATE changes 1204 rows in orders","status":"incomplete","limit":"50 items","count":1204,"unit":"rows","reversibility":"recoverable","items":[{"kind":"statement","text":"update orders set paid = true","detail":"1204 rows"}],"items_omitted":2}]}
            """;
        var f = StepFacts.Parse(payload);
        Assert.Equal(("critical", "production", "recoverable", 1204L, "rows", "production"), (f.BlastLevel, f.BlastScope, f.Reversibility, f.ScopeCount!.Value, f.ScopeUnit, f.Environment));
        Assert.Equal(["orders-db"], f.Resources);
        Assert.Equal(["billing", "reports"], f.Coupling);
        var p = Assert.Single(f.Previews);
        Assert.Equal(("sql", PreviewStatus.Incomplete, "50 items", 1204L, 2L), (p.Previewer, p.Status, p.Limit, p.Count!.Value, p.ItemsOmitted));
        Assert.Equal(new PreviewItem("statement", "update orders set paid = true", "1204 rows"), Assert.Single(p.Items));
        Assert.Null(f.LegacyPreview);
        Assert.True(f.NeedsTypedConfirmation);
        Assert.Equal("orders-db", TypedConfirmation.Word([f]));
    }

    [Fact]
    public void A_record_from_before_previews_keeps_its_text_preview_and_reads_reversibility_from_its_flag()
    {
        const string payload = """
            {"action":{"source":"shell","command":"rm -r build"},"decision":{"outcome":"require_approval","tier":"write_with_confirmation","reasons":["r"],"rules":[],"policy_hash":"h"},
             "blast_radius":{"level":"high","scope":"machine","reversible":false,"shared_state":false,"reasons":["scope: machine"]},"preview":"would delete 3 files"}
            """;
        var f = StepFacts.Parse(payload);
        Assert.Equal("would delete 3 files", f.LegacyPreview);
        Assert.Empty(f.Previews);
        Assert.Equal("irreversible", f.Reversibility);
        Assert.Null(f.Environment);
        Assert.Equal("approve", TypedConfirmation.Word([f]));
    }
}
