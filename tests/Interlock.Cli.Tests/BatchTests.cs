using System.Text;
using System.Text.Json;

namespace Interlock.Cli.Tests;

/// <summary><c>check --batch</c>: one JSON line out per line in, in order; bad lines get error lines and the batch goes on.</summary>
public sealed class BatchTests
{
    private static List<JsonElement> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void MixedGoodAndBadLinesKeepOrderAndIds()
    {
        var input = new StringBuilder()
            .AppendLine("""{"id": 1, "command": "ls -la", "cwd": "/home/dev/project"}""")
            .AppendLine("""{"id": "two", "command": "rm -rf ~", "cwd": "/home/dev/project"}""")
            .AppendLine("this is not json")
            .AppendLine()
            .AppendLine("""{"id": 4, "command": 42}""")
            .AppendLine("""{"id": 5, "comand": "ls"}""")
            .AppendLine("""[1, 2]""")
            .AppendLine("""{"id": 7, "cwd": "/x"}""")
            .AppendLine("""{"id": 8, "tool": "Read", "path": "/home/dev/.ssh/id_ed25519"}""")
            .AppendLine("""{"id": 9, "command": "git push --force-with-lease origin feature/login", "cwd": "/home/dev/project"}""")
            .ToString();
        var r = InterlockProcess.Run(["check", "--batch", "-"], stdin: input);
        Assert.Equal(0, r.ExitCode);
        var lines = Lines(r.Stdout);
        Assert.Equal(9, lines.Count);
        Assert.Equal("1", lines[0].GetProperty("request_id").GetString());
        Assert.StartsWith("act_", lines[0].GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("allow", lines[0].GetProperty("decision").GetString());
        Assert.Equal("two", lines[1].GetProperty("request_id").GetString());
        Assert.Equal("deny", lines[1].GetProperty("decision").GetString());
        Assert.Contains("line 3: not valid JSON", lines[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("request_id").ValueKind);
        Assert.Contains("field 'command' must be a string", lines[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("4", lines[3].GetProperty("request_id").GetString());
        Assert.Contains("unknown field 'comand'", lines[4].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("expected a JSON object", lines[5].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("needs a 'command', a 'tool', a 'topic' or a 'url'", lines[6].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("deny", lines[7].GetProperty("decision").GetString());
        Assert.Equal("allow", lines[8].GetProperty("decision").GetString());
        foreach (var l in new[] { lines[0], lines[1], lines[7], lines[8] })
        {
            Assert.True(l.TryGetProperty("tier", out _));
            Assert.True(l.GetProperty("reasons").GetArrayLength() > 0);
            Assert.Equal(JsonValueKind.Array, l.GetProperty("rules").ValueKind);
        }
    }

    [Fact]
    public void AnOverlongLineGetsAnErrorAndTheBatchGoesOn()
    {
        var big = "{\"id\": 1, \"command\": \"echo " + new string('a', 1_100_000) + "\"}";
        var input = big + "\n" + """{"id": 2, "command": "pwd"}""" + "\n";
        var r = InterlockProcess.Run(["check", "--batch", "-"], stdin: input);
        var lines = Lines(r.Stdout);
        Assert.Equal(2, lines.Count);
        Assert.Contains("longer than", lines[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("allow", lines[1].GetProperty("decision").GetString());
    }

    [Fact]
    public void SeedPolicyDecidesJobsByTopicAndTags()
    {
        var input = new StringBuilder()
            .AppendLine("""{"id": "destroy", "topic": "job.prod.destroy", "risk_tags": ["destructive"]}""")
            .AppendLine("""{"id": "apply", "topic": "job.infra.apply", "risk_tags": ["infrastructure"]}""")
            .AppendLine("""{"id": "generate", "topic": "job.team.generate", "risk_tags": ["high-cost"]}""")
            .AppendLine("""{"id": "other", "topic": "job.team.lint"}""")
            .ToString();
        var r = InterlockProcess.Run(["check", "--policy", Path.Combine(InterlockProcess.Root, "policies/examples/incident-prevention.yaml"), "--batch", "-"], stdin: input);
        Assert.Equal(0, r.ExitCode);
        var lines = Lines(r.Stdout);
        Assert.Equal("deny", lines[0].GetProperty("decision").GetString());
        Assert.Contains("deny-infra-destroy", lines[0].GetProperty("rules").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("require_approval", lines[1].GetProperty("decision").GetString());
        Assert.Equal("allow_with_constraints", lines[2].GetProperty("decision").GetString());
        var c = lines[2].GetProperty("constraints");
        Assert.Equal(3, c.GetProperty("max_concurrent").GetInt32());
        Assert.Equal("20/hour", c.GetProperty("rate_limit").GetString());
        Assert.Equal(120, c.GetProperty("max_runtime_sec").GetInt32());
        Assert.Equal("require_approval", lines[3].GetProperty("decision").GetString());
    }

    [Fact]
    public void UnreadableBatchFileExitsOne()
    {
        var r = InterlockProcess.Run(["check", "--batch", "/nonexistent/actions.jsonl"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot read batch", r.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>A batch run shares one limiter, so constraints bind across its lines.</summary>
public sealed class BatchThrottleTests
{
    [Fact]
    public void TheTwentyFirstGenerateJobInABatchIsThrottled()
    {
        var line = """{"id": 0, "topic": "job.team.generate", "risk_tags": ["high-cost"]}""";
        var input = string.Join('\n', Enumerable.Range(1, 21).Select(i => line.Replace("\"id\": 0", $"\"id\": {i}", StringComparison.Ordinal))) + "\n";
        var r = InterlockProcess.Run(["check", "--policy", Path.Combine(InterlockProcess.Root, "policies/examples/incident-prevention.yaml"), "--batch", "-"], stdin: input);
        Assert.Equal(0, r.ExitCode);
        var decisions = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("decision").GetString()).ToList();
        Assert.Equal(21, decisions.Count);
        Assert.All(decisions.Take(20), d => Assert.Equal("allow_with_constraints", d));
        Assert.Equal("deny", decisions[20]);
        Assert.Contains("rate limit 20/hour reached", r.Stdout, StringComparison.Ordinal);
    }
}
