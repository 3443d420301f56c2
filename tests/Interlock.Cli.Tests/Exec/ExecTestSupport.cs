using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage.Sqlite;

namespace Interlock.Cli.Tests.Exec;

/// <summary>A scratch workspace and data directory for one exec test.</summary>
internal sealed class ExecSandbox : IDisposable
{
    public ExecSandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "interlock-exec-" + Guid.NewGuid().ToString("N"));
        Work = Path.Combine(Root, "work");
        Data = Path.Combine(Root, "data");
        Directory.CreateDirectory(Work);
    }

    public string Root { get; }
    public string Work { get; }
    public string Data { get; }

    /// <summary>A policy file that turns every read-only command into allow_with_constraints with the given runtime.</summary>
    public string LimitPolicy(int maxRuntimeSec)
    {
        var path = Path.Combine(Root, "limit.yaml");
        File.WriteAllText(path, $"""
            version: v1
            default: require_approval
            rules:
              - id: limited
                match:
                  tiers: [read_only]
                decision: allow_with_constraints
                constraints:
                  max_runtime_sec: {maxRuntimeSec}
                reason: "read-only, time-limited"
            """);
        return path;
    }

    public InterlockProcess.Result Exec(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int timeoutMs = 60_000) =>
        InterlockProcess.Run(["exec", "--data", Data, "--cwd", Work, .. args], home: Root, cwd: Work, env: env, timeoutMs: timeoutMs);

    public string[] Recordings() => Directory.Exists(Path.Combine(Data, "recordings")) ? Directory.GetFiles(Path.Combine(Data, "recordings"), "*.cast") : [];

    public async Task<IReadOnlyList<AuditRecord>> AuditRecords()
    {
        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = Data });
        return await store.ReadAsync(0, 1000);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Checks a file against asciicast v2: a header object with version 2, then <c>[time, "o", text]</c> arrays with non-decreasing times.</summary>
internal static class Asciicast
{
    /// <summary>The concatenated output text of a valid recording (asserts validity).</summary>
    public static string Output(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.NotEmpty(lines);
        using (var header = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal(JsonValueKind.Object, header.RootElement.ValueKind);
            Assert.Equal(2, header.RootElement.GetProperty("version").GetInt32());
            Assert.True(header.RootElement.GetProperty("width").GetInt32() > 0);
            Assert.True(header.RootElement.GetProperty("height").GetInt32() > 0);
            Assert.Equal(JsonValueKind.Number, header.RootElement.GetProperty("timestamp").ValueKind);
            Assert.Equal(JsonValueKind.Object, header.RootElement.GetProperty("env").ValueKind);
        }
        var text = new System.Text.StringBuilder();
        double last = 0;
        foreach (var line in lines.Skip(1))
        {
            using var ev = JsonDocument.Parse(line);
            var e = ev.RootElement;
            Assert.Equal(JsonValueKind.Array, e.ValueKind);
            Assert.Equal(3, e.GetArrayLength());
            var t = e[0].GetDouble();
            Assert.True(t >= last, $"time went back: {t} after {last}");
            last = t;
            Assert.Equal("o", e[1].GetString());
            text.Append(e[2].GetString());
        }
        return text.ToString();
    }
}
