using System.Security.Cryptography;
using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage;

namespace Interlock.Server.Tests.Api;

public sealed class AuditApiTests
{
    private static async Task<(GatewayFixture Gw, string Agent, string Auditor)> WithRecordsAsync(int checkpointEvery = 1000)
    {
        var gw = await GatewayFixture.StartAsync(o => o with { CheckpointEveryRecords = checkpointEvery });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        foreach (var command in new[] { "git status", "git push --force origin main", "make test", "rm -rf /" })
            await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app", session = "s-7" });
        return (gw, agent, auditor);
    }

    [Fact]
    public async Task Auditors_page_through_records_with_filters()
    {
        var (gw, _, auditor) = await WithRecordsAsync();
        await using var _gw = gw;
        var (status, page) = await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=decision&limit=2", auditor);
        Assert.Equal(200, status);
        var records = page.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        var next = (await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&after={records[^1].GetProperty("sequence").GetInt64()}", auditor)).Body.GetProperty("records");
        Assert.True(next.GetArrayLength() >= 2);
        var first = records[0];
        Assert.Equal("bot", first.GetProperty("agent").GetString());
        Assert.Equal("s-7", first.GetProperty("session").GetString());
        var genesis = (await gw.CallAsync(HttpMethod.Get, "v1/audit?limit=1", auditor)).Body.GetProperty("records")[0];
        Assert.Equal(AuditCanonical.GenesisHash, genesis.GetProperty("previous_hash").GetString());
        Assert.Equal("note", genesis.GetProperty("kind").GetString());
        Assert.Contains("principal bot (agent", genesis.GetProperty("payload").GetProperty("text").GetString());
        Assert.Equal("git status", first.GetProperty("payload").GetProperty("action").GetProperty("command").GetString());
        Assert.Equal(4, (await gw.CallAsync(HttpMethod.Get, "v1/audit?agent=bot&kind=decision", auditor)).Body.GetProperty("records").GetArrayLength());
        var newest = (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=decision&order=newest&limit=1", auditor)).Body.GetProperty("records")[0];
        Assert.Equal("rm -rf /", newest.GetProperty("payload").GetProperty("action").GetProperty("command").GetString());
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Get, "v1/audit?after=-1", auditor)).Status);
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=gossip", auditor)).Status);
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Get, "v1/audit?limit=5000", auditor)).Status);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("reviewer")]
    public async Task Agents_and_reviewers_cannot_read_the_audit_log(string role)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var token = await gw.CreatePrincipalAsync("p", role);
        foreach (var path in new[] { "v1/audit", "v1/audit/verify", "v1/audit/export", "v1/audit/checkpoints" })
            Assert.Equal(403, (await gw.CallAsync(HttpMethod.Get, path, token)).Status);
    }

    [Fact]
    public async Task No_interface_modifies_or_deletes_audit_records()
    {
        var (gw, _, auditor) = await WithRecordsAsync();
        await using var _gw = gw;
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Post })
            foreach (var token in new[] { gw.AdminToken, auditor })
            {
                using var response = await gw.SendAsync(method, "v1/audit", token, new { sequence = 1 });
                Assert.False(response.IsSuccessStatusCode, $"{method} /v1/audit answered {(int)response.StatusCode}");
            }
        var verify = (await gw.CallAsync(HttpMethod.Get, "v1/audit/verify", gw.AdminToken)).Body;
        Assert.True(verify.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task The_chain_verifies_and_its_export_verifies_offline_with_the_signed_checkpoints()
    {
        var (gw, _, auditor) = await WithRecordsAsync(checkpointEvery: 2);
        await using var _gw = gw;
        var (status, verify) = await gw.CallAsync(HttpMethod.Get, "v1/audit/verify", auditor);
        Assert.Equal(200, status);
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("records").GetInt64() >= 4);
        Assert.True(verify.GetProperty("checkpoints_verified").GetInt32() >= 1);

        var (cpStatus, cps) = await gw.CallAsync(HttpMethod.Get, "v1/audit/checkpoints", auditor);
        Assert.Equal(200, cpStatus);
        using var key = ECDsa.Create();
        key.ImportFromPem(cps.GetProperty("public_key").GetString());
        var checkpoint = cps.GetProperty("checkpoints")[0];
        var signed = new AuditCheckpoint(checkpoint.GetProperty("sequence").GetInt64(), checkpoint.GetProperty("head_hash").GetString()!,
            checkpoint.GetProperty("time").GetDateTimeOffset(), checkpoint.GetProperty("key_id").GetString()!, checkpoint.GetProperty("signature").GetString()!);
        Assert.True(signed.VerifySignature(key));

        using var response = await gw.SendAsync(HttpMethod.Get, "v1/audit/export", auditor);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var export = await response.Content.ReadAsStringAsync();
        var offline = AuditExport.Verify(new StringReader(export), key);
        Assert.True(offline.Ok, offline.Problem);
        Assert.Equal(verify.GetProperty("records").GetInt64(), offline.Records);

        // An edited export is caught, at the sequence that was changed.
        var lines = export.Split('\n').ToList();
        var i = lines.FindIndex(l => l.Contains("push --force", StringComparison.Ordinal));
        lines[i] = lines[i].Replace("\"deny\"", "\"allow\"", StringComparison.Ordinal);
        var tampered = AuditExport.Verify(new StringReader(string.Join('\n', lines)), key);
        Assert.False(tampered.Ok);
        Assert.Equal(JsonDocument.Parse(lines[i]).RootElement.GetProperty("seq").GetInt64(), tampered.FirstBadSequence);
    }
}
