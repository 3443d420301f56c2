using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace Interlock.Server.Tests.Api;

/// <summary>Real replies validate against the schemas the OpenAPI document publishes, so the document cannot drift from the code.</summary>
public sealed class OpenApiShapeTests
{
    /// <summary>
    /// A JSON Schema for one component: the document's component schemas moved under <c>definitions</c> (where the
    /// validator resolves references) with their <c>$ref</c>s rewritten to match, beside the one asked for.
    /// </summary>
    private static async Task<JsonSchema> SchemaAsync(JsonElement openApi, string component)
    {
        var schemas = openApi.GetProperty("components").GetProperty("schemas").GetRawText().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        var definitions = JsonNode.Parse(schemas)!.AsObject();
        var root = definitions[component]!.DeepClone().AsObject();
        root["definitions"] = definitions.DeepClone();
        return await JsonSchema.FromJsonAsync(root.ToJsonString());
    }

    private static async Task AssertShape(JsonElement openApi, string component, JsonElement value)
    {
        var schema = await SchemaAsync(openApi, component);
        var errors = schema.Validate(value.GetRawText());
        Assert.True(errors.Count == 0, $"{component}: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")) + "\n" + value);
    }

    [Fact]
    public async Task Decisions_approvals_principals_and_records_have_the_documented_shapes()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var openApi = (await gw.CallAsync(HttpMethod.Get, "openapi.json", null)).Body;
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");

        var (_, created) = await gw.CallAsync(HttpMethod.Post, "v1/principals", gw.AdminToken, new { name = "aud", role = "auditor" });
        await AssertShape(openApi, "Principal", created);
        var auditor = created.GetProperty("token").GetString();

        foreach (var command in new[] { "git status", "git push --force origin main", EvaluateApiTests.NeedsApproval })
            await AssertShape(openApi, "Decision", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app", id = "c1" })).Body);

        var (_, plan) = await gw.CallAsync(HttpMethod.Post, "v1/plans", agent, new { steps = new object[] { new { command = "ls" }, new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/other" } } });
        await AssertShape(openApi, "PlanDecision", plan);

        var approvals = (await gw.CallAsync(HttpMethod.Get, "v1/approvals", reviewer)).Body.GetProperty("approvals");
        Assert.True(approvals.GetArrayLength() >= 2);
        foreach (var a in approvals.EnumerateArray()) await AssertShape(openApi, "Approval", a);
        var id = approvals[0].GetProperty("id").GetString();
        await AssertShape(openApi, "Approval", (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "no" })).Body);

        foreach (var r in (await gw.CallAsync(HttpMethod.Get, "v1/audit", auditor)).Body.GetProperty("records").EnumerateArray())
            await AssertShape(openApi, "AuditRecord", r);
        await AssertShape(openApi, "Problem", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { comand = "ls" })).Body);
        await AssertShape(openApi, "Health", (await gw.CallAsync(HttpMethod.Get, "healthz", null)).Body);
    }

    [Fact]
    public async Task The_schemas_are_strict_enough_to_fail()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var openApi = (await gw.CallAsync(HttpMethod.Get, "openapi.json", null)).Body;
        var schema = await SchemaAsync(openApi, "Decision");
        Assert.NotEmpty(schema.Validate("""{"id":"act_1","decision":"maybe","tier":"never","reasons":[],"rules":[],"policy_hash":"x"}"""));
        Assert.NotEmpty(schema.Validate("""{"id":"act_1","decision":"allow","tier":"never","reasons":[]}"""));
    }
}
