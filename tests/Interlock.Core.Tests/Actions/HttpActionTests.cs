using System.Text.Json;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Core.Tests.TestSupport;

namespace Interlock.Core.Tests.Actions;

/// <summary>HTTP requests as actions: decided by the same rules as the curl that would send them, bound whole by an approval.</summary>
public sealed class HttpActionTests
{
    private static ActionRequest Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var (request, error) = ActionJson.Parse(doc.RootElement, Repository.Workspace, Repository.Home);
        Assert.True(request is not null, error);
        return request;
    }

    private static string? Error(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ActionJson.Parse(doc.RootElement, Repository.Workspace, Repository.Home).Error;
    }

    private static Outcome Decide(string json) => Repository.DefaultEvaluator.Evaluate(Parse(json)).Decision.Outcome;

    private static Outcome DecideCurl(string command) => Repository.Check(command).Decision.Outcome;

    public static TheoryData<string, string> SameAsCurl() => new()
    {
        { """{"source":"http","url":"https://api.github.com/repos/acme/app"}""", "curl -s https://api.github.com/repos/acme/app" },
        { """{"source":"http","method":"DELETE","url":"http://localhost:9200/logs-2024"}""", "curl -X DELETE http://localhost:9200/logs-2024" },
        { """{"source":"http","method":"POST","url":"http://127.0.0.1:9200/orders/_delete_by_query","body":"{\"query\":{\"match_all\":{}}}"}""",
          """curl -X POST http://127.0.0.1:9200/orders/_delete_by_query -d '{"query":{"match_all":{}}}'""" },
        { """{"source":"http","method":"delete","url":"http://localhost:8001/api/v1/namespaces/prod"}""", "curl -X DELETE http://localhost:8001/api/v1/namespaces/prod" },
        { """{"url":"https://hooks.example.com/notify","method":"POST","headers":{"Content-Type":"application/json"},"body":"{}"}""",
          "curl -X POST -H 'Content-Type: application/json' -d '{}' https://hooks.example.com/notify" },
    };

    [Theory]
    [MemberData(nameof(SameAsCurl))]
    public void AnHttpActionIsDecidedAsTheCurlThatSendsIt(string action, string curl) => Assert.Equal(DecideCurl(curl), Decide(action));

    [Fact]
    public void DestructiveMethodsAreNeverAllowedEvenOnLoopback()
    {
        Assert.Equal(Outcome.Allow, Decide("""{"url":"http://localhost:9200/_cat/indices"}"""));
        Assert.NotEqual(Outcome.Allow, Decide("""{"method":"DELETE","url":"http://localhost:9200/logs-*"}"""));
        Assert.NotEqual(Outcome.Allow, Decide("""{"method":"POST","url":"http://localhost:2375/containers/prune"}"""));
    }

    [Fact]
    public void ABodyStartingWithAnAtIsDataNotAFileToRead()
    {
        // curl -d @FILE reads the file; an HTTP action's body is what is sent, so '@~/.aws/credentials' is just text.
        var e = Repository.DefaultEvaluator.Evaluate(Parse("""{"method":"POST","url":"https://example.com/x","body":"@/home/dev/.aws/credentials"}"""));
        Assert.DoesNotContain(e.Facts.Operations, o => o.Class == OperationClass.CredentialRead);
    }

    [Fact]
    public void AnApprovalCoversTheExactRequest()
    {
        string Digest(string json) => ActionDigest.Compute(Repository.DefaultEvaluator.Evaluate(Parse(json)).Facts);
        var baseline = Digest("""{"method":"POST","url":"https://api.example.com/deploy","headers":{"X-Env":"staging"},"body":"v1"}""");
        Assert.Equal(baseline, Digest("""{"method":"post","url":"https://api.example.com/deploy","headers":{"X-Env":"staging"},"body":"v1"}"""));
        Assert.NotEqual(baseline, Digest("""{"method":"POST","url":"https://api.example.com/deploy","headers":{"X-Env":"staging"},"body":"v2"}"""));
        Assert.NotEqual(baseline, Digest("""{"method":"POST","url":"https://api.example.com/deploy","headers":{"X-Env":"production"},"body":"v1"}"""));
        Assert.NotEqual(baseline, Digest("""{"method":"PUT","url":"https://api.example.com/deploy","headers":{"X-Env":"staging"},"body":"v1"}"""));
        Assert.NotEqual(baseline, Digest("""{"method":"POST","url":"https://api.example.com/deploy?force=1","headers":{"X-Env":"staging"},"body":"v1"}"""));
    }

    [Fact]
    public void TheAuditRecordKeepsHeaderNamesNotTheirSecrets()
    {
        var e = Repository.DefaultEvaluator.Evaluate(Parse("""{"method":"GET","url":"https://api.example.com/me","headers":{"Authorization":"Bearer s3cr3t-token"}}"""));
        var payload = AuditEntry.ForDecision(e, "act_1").Payload;
        Assert.Contains("\"header_names\":[\"Authorization\"]", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token", payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.com/x"}""", "absolute http or https URL")]
    [InlineData("""{"url":"/relative"}""", "absolute http or https URL")]
    [InlineData("""{"url":"https://example.com","method":"GET /evil"}""", "HTTP method name")]
    [InlineData("""{"url":"https://example.com","headers":{"@file":"x"}}""", "not a valid HTTP header name")]
    [InlineData("""{"url":"https://example.com","headers":{"X":"a\r\nInjected: 1"}}""", "line break or NUL")]
    [InlineData("""{"url":"https://example.com","headers":["X: 1"]}""", "must be an object")]
    [InlineData("""{"url":"https://example.com","body":{"a":1}}""", "must be a string")]
    [InlineData("""{"method":"DELETE"}""", "needs a 'url'")]
    [InlineData("""{"url":"https://example.com","command":"ls"}""", "no 'command'")]
    [InlineData("""{"url":"https://example.com","source":"shell"}""", "must be http")]
    public void AMalformedHttpActionIsRefusedByName(string json, string message) => Assert.Contains(message, Error(json), StringComparison.Ordinal);
}
