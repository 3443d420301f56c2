using System.Text.Json;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Core.Tests.TestSupport;

namespace Interlock.Core.Tests.Approvals;

/// <summary>An approval is bound to everything that changes the action's effect: each variation gives another digest.</summary>
public sealed class ActionDigestCoverageTests
{
    private static readonly ActionRequest Write = new()
    {
        Source = ActionSource.File, Tool = "Write", Path = "/etc/hosts", Cwd = "/home/dev/app", Home = "/home/dev", Agent = "claude-code",
        ContentHash = ActionDigest.ContentHashOf(Json("""{"file_path":"/etc/hosts","content":"127.0.0.1 localhost\n"}""")),
    };

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static string Digest(ActionRequest r) => ActionDigest.Compute(Repository.DefaultEvaluator.Evaluate(r).Facts);

    public static TheoryData<string, ActionRequest> Variations() => new()
    {
        { "other content", Write with { ContentHash = ActionDigest.ContentHashOf(Json("""{"file_path":"/etc/hosts","content":"1.2.3.4 bank.example\n"}""")) } },
        { "no content", Write with { ContentHash = null } },
        { "another home", Write with { Home = "/home/eve" } },
        { "another cwd", Write with { Cwd = "/srv" } },
        { "another agent", Write with { Agent = "gemini-cli" } },
        { "another path", Write with { Path = "/etc/hostname" } },
        { "arguments", Write with { Arguments = Json("""{"mode":"append"}""") } },
        { "a caller tag", Write with { RiskTags = ["destructive"] } },
    };

    [Theory]
    [MemberData(nameof(Variations))]
    public void EveryChangeToTheEffectGivesAnotherDigest(string what, ActionRequest changed)
    {
        Assert.NotEqual(Digest(Write), Digest(changed));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void TheSameActionHasTheSameDigestAndArgumentOrderDoesNotMatter()
    {
        Assert.Equal(Digest(Write), Digest(Write with { }));
        var a = Write with { Arguments = Json("""{"a":1,"b":[true,null]}""") };
        var b = Write with { Arguments = Json("""{ "b": [true, null], "a": 1 }""") };
        Assert.Equal(Digest(a), Digest(b));
    }

    [Fact]
    public void ActionJsonHashesContentOrTakesItsHash()
    {
        var (withContent, e1) = ActionJson.Parse(Json("""{"tool":"Write","path":"/etc/hosts","content":"x"}"""), "/w", "/home/dev");
        var (withHash, e2) = ActionJson.Parse(Json("""{"tool":"Write","path":"/etc/hosts","content_sha256":"2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881"}"""), "/w", "/home/dev");
        Assert.Null(e1);
        Assert.Null(e2);
        Assert.Equal(withContent!.ContentHash, withHash!.ContentHash);
        Assert.Contains("64 hexadecimal", ActionJson.Parse(Json("""{"tool":"Write","path":"/x","content_sha256":"abc"}"""), "/w", null).Error);
        Assert.Contains("not both", ActionJson.Parse(Json("""{"tool":"Write","path":"/x","content":"a","content_sha256":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}"""), "/w", null).Error);
    }
}
