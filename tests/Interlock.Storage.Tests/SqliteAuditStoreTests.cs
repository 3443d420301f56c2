using System.Diagnostics;
using Interlock.Audit;
using Interlock.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Interlock.Storage.Tests;

public sealed class SqliteAuditStoreTests
{
    [Fact]
    public void Sqlite_loads_smoke_test()
    {
        var version = SqliteAuditStore.SqliteVersion();
        Assert.StartsWith("3.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_decision_of_an_action_is_the_newest_decision_record_for_its_id()
    {
        using var dir = new TempDir();
        await using var store = await Store.Open(dir.Path);
        IAuditStore audit = store;
        static AuditEntry Decision(string action, string outcome) =>
            new() { Kind = AuditKind.Decision, Agent = "bot", ActionId = action, Payload = "{\"decision\":{\"outcome\":\"" + outcome + "\"}}" };
        await audit.AppendAsync(Decision("act-1", "require_approval"));
        await audit.AppendAsync(Decision("act-2", "deny"));
        await audit.AppendAsync(AuditEntry.ForResult("act-1", 0, "succeeded"));
        var allowed = await audit.AppendAsync(Decision("act-1", "allow"));
        await audit.AppendAsync(AuditEntry.Note("later", agent: "bot", actionId: "act-1"));

        var last = await audit.LastDecisionAsync("act-1");
        Assert.NotNull(last);
        Assert.Equal(allowed.Sequence, last.Sequence);
        Assert.Contains("\"allow\"", last.Entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"deny\"", (await audit.LastDecisionAsync("act-2"))!.Entry.Payload, StringComparison.Ordinal);
        Assert.Null(await audit.LastDecisionAsync("act-none"));
    }

    [Fact]
    public async Task Appends_are_chained_readable_and_survive_reopening()
    {
        using var dir = new TempDir();
        AuditRecord first, second;
        await using (var store = await Store.Open(dir.Path))
        {
            Assert.Equal(AuditHead.Genesis, await store.HeadAsync());
            first = await store.AppendAsync(AuditEntry.Note("one", agent: "a"));
            second = await store.AppendAsync(AuditEntry.ForResult("act-1", 0, "succeeded"));
            Assert.Equal(1, first.Sequence);
            Assert.Equal(2, second.Sequence);
            Assert.Equal(first.Hash, second.PreviousHash);
            Assert.Equal(second.Head, await store.HeadAsync());
            var read = await store.ReadAsync(0, 10);
            Assert.Equal([first, second], read);
            Assert.Equal([second], await store.ReadAsync(1, 10));
        }
        await using (var store = await Store.Open(dir.Path))
        {
            Assert.Equal(second.Head, await store.HeadAsync());
            var third = await store.AppendAsync(AuditEntry.Note("three"));
            Assert.Equal(3, third.Sequence);
            Assert.Equal(second.Hash, third.PreviousHash);
            // A clean shutdown of the first store left a checkpoint of its head.
            var cps = await store.ReadCheckpointsAsync(0, 10);
            Assert.Equal(2, Assert.Single(cps).Sequence);
        }
        var v = SqliteAuditStore.Verify(dir.Path);
        Assert.True(v.Ok, v.Problem);
        Assert.Equal(3, v.Records);
        Assert.Equal(2, v.CheckpointsVerified);
    }

    [Fact]
    public async Task The_private_key_is_owner_only_and_the_public_key_is_exported()
    {
        using var dir = new TempDir();
        string pem;
        await using (var store = await Store.Open(dir.Path)) pem = store.PublicKeyPem;
        var priv = Path.Combine(dir.Path, SqliteAuditStore.PrivateKeyFile);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(priv));
        Assert.Equal(pem, File.ReadAllText(Path.Combine(dir.Path, SqliteAuditStore.PublicKeyFile)));
        // The same key pair is used after a restart.
        await using (var store = await Store.Open(dir.Path)) Assert.Equal(pem, store.PublicKeyPem);
    }

    [Fact]
    public async Task Triggers_reject_update_and_delete()
    {
        using var dir = new TempDir();
        await Store.Fill(dir.Path, 3, every: 2);
        foreach (var sql in new[]
        {
            "UPDATE audit_records SET payload = '{}' WHERE seq = 2",
            "DELETE FROM audit_records WHERE seq = 3",
            "UPDATE audit_checkpoints SET signature = 'x'",
            "DELETE FROM audit_checkpoints",
        })
        {
            var ex = Assert.Throws<SqliteException>(() => Store.Sql(dir.Path, sql));
            Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
        }
        Assert.True(SqliteAuditStore.Verify(dir.Path).Ok);
    }

    [Fact]
    public async Task Eight_concurrent_writers_get_gapless_strictly_increasing_sequences_in_few_commits()
    {
        using var dir = new TempDir();
        const int Writers = 8, Each = 250;
        var seen = new List<long>[Writers];
        long commits;
        await using (var store = await Store.Open(dir.Path, every: 100))
        {
            var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var mine = new List<long>(Each);
                for (var i = 0; i < Each; i++) mine.Add((await store.AppendAsync(AuditEntry.Note($"w{w} #{i}", agent: $"w{w}"))).Sequence);
                seen[w] = mine;
            })).ToArray();
            await Task.WhenAll(tasks);
            commits = store.Commits;
            Assert.Equal(Writers * Each, (await store.HeadAsync()).Sequence);
        }
        foreach (var mine in seen)
            for (var i = 1; i < mine.Count; i++) Assert.True(mine[i] > mine[i - 1]);
        var all = seen.SelectMany(s => s).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, Writers * Each).Select(i => (long)i), all);
        Assert.True(commits < Writers * Each, $"expected group commit to batch appends; {commits} commits for {Writers * Each} appends");
        var v = SqliteAuditStore.Verify(dir.Path);
        Assert.True(v.Ok, v.Problem);
        Assert.Equal(Writers * Each, v.Records);
        Assert.True(v.CheckpointsVerified >= 10);
    }

    [Fact]
    public async Task Checkpoints_follow_the_injected_clock()
    {
        using var dir = new TempDir();
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions
        {
            DataDirectory = dir.Path, Time = clock, CheckpointEveryRecords = 1000, CheckpointInterval = TimeSpan.FromSeconds(10),
        });
        for (var i = 0; i < 3; i++) await store.AppendAsync(AuditEntry.Note("x"));
        Assert.Empty(await store.ReadCheckpointsAsync(0, 10));
        clock.Advance(TimeSpan.FromSeconds(11));
        var fourth = await store.AppendAsync(AuditEntry.Note("y"));
        Assert.Equal(clock.GetUtcNow(), fourth.Timestamp);
        var cp = Assert.Single(await store.ReadCheckpointsAsync(0, 10));
        Assert.Equal(4, cp.Sequence);
        Assert.Equal(fourth.Hash, cp.HeadHash);
        Assert.Equal(clock.GetUtcNow(), cp.Time);
        using var key = CheckpointSigner.ImportPublicKeyPem(store.PublicKeyPem);
        Assert.True(cp.VerifySignature(key));
        // Forced checkpoint of an already-covered head returns the last one.
        Assert.Equal(cp, await store.CheckpointAsync());
    }

    [Fact]
    public async Task A_store_refuses_to_open_a_log_whose_key_is_gone()
    {
        using var dir = new TempDir();
        await Store.Fill(dir.Path, 3, every: 2);
        File.Delete(Path.Combine(dir.Path, SqliteAuditStore.PrivateKeyFile));
        await Assert.ThrowsAsync<AuditTamperedException>(() => Store.Open(dir.Path));
    }

    public static TheoryData<string, string[], long> SqliteTampering => new()
    {
        { "edit a payload", ["UPDATE audit_records SET payload = '{\"text\":\"nothing to see\"}' WHERE seq = 7"], 7 },
        { "edit the agent", ["UPDATE audit_records SET agent = 'someone-else' WHERE seq = 9"], 9 },
        { "edit the kind", ["UPDATE audit_records SET kind = 'bogus' WHERE seq = 3"], 3 },
        { "delete a record", ["DELETE FROM audit_records WHERE seq = 12"], 12 },
        { "reorder two records", [
            "CREATE TEMP TABLE t AS SELECT * FROM audit_records WHERE seq IN (5, 6)",
            "DELETE FROM audit_records WHERE seq IN (5, 6)",
            "INSERT INTO audit_records SELECT CASE seq WHEN 5 THEN 6 ELSE 5 END, id, ts, kind, agent, session, action_id, payload, prev_hash, hash FROM t",
        ], 5 },
        { "truncate the tail below the last checkpoint", ["DELETE FROM audit_records WHERE seq >= 23"], 23 },
        { "forge a checkpoint signature", ["UPDATE audit_checkpoints SET signature = (SELECT signature FROM audit_checkpoints WHERE seq = 10) WHERE seq = 20"], 20 },
        { "move a checkpoint", ["UPDATE audit_checkpoints SET seq = 15, head_hash = (SELECT hash FROM audit_records WHERE seq = 15) WHERE seq = 20"], 15 },
    };

    [Theory]
    [MemberData(nameof(SqliteTampering))]
    public async Task Tampering_with_the_database_file_is_detected_and_the_store_refuses_to_start(string what, string[] sql, long firstBad)
    {
        using var dir = new TempDir();
        await Store.Fill(dir.Path, 25, every: 10);
        Assert.True(SqliteAuditStore.Verify(dir.Path).Ok);
        Store.Sql(dir.Path, [Store.DropTriggers, .. sql]);

        var v = SqliteAuditStore.Verify(dir.Path);
        Assert.False(v.Ok, what);
        Assert.Equal(firstBad, v.FirstBadSequence);
        var ex = await Assert.ThrowsAsync<AuditTamperedException>(() => Store.Open(dir.Path));
        Assert.Equal(firstBad, ex.FirstBadSequence);
    }

    [Fact]
    public async Task An_inserted_record_is_detected_in_the_database_file()
    {
        using var dir = new TempDir();
        await Store.Fill(dir.Path, 25, every: 10);
        AuditRecord at14;
        await using (var s = await Store.Open(dir.Path)) at14 = (await s.ReadAsync(13, 1))[0];
        // The forger makes room after 14 and inserts a correctly linked record; the old 15 (now 16) no longer fits.
        var forged = AuditChain.Build(at14.Head, AuditEntry.Note("forged"), DateTimeOffset.UtcNow, "forged");
        Store.Sql(dir.Path, Store.DropTriggers,
            "UPDATE audit_records SET seq = -(seq + 1) WHERE seq > 14",
            "UPDATE audit_records SET seq = -seq WHERE seq < 0",
            $"INSERT INTO audit_records VALUES (15, 'forged', {forged.Timestamp.ToUnixTimeMilliseconds()}, 'note', NULL, NULL, NULL, '{forged.Entry.Payload}', '{forged.PreviousHash}', '{forged.Hash}')");
        var v = SqliteAuditStore.Verify(dir.Path);
        Assert.False(v.Ok);
        Assert.Equal(16, v.FirstBadSequence);
    }

    [Fact]
    public async Task Acknowledged_records_survive_kill_9()
    {
        using var dir = new TempDir();
        var cli = Path.Combine(AppContext.BaseDirectory, "interlock.dll");
        Assert.True(File.Exists(cli), cli);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "audit", "_write-demo", "--data", dir.Path, "--count", "10000000", "--writers", "8" }) psi.ArgumentList.Add(a);
        var acked = new Dictionary<long, string>();
        using (var p = Process.Start(psi)!)
        {
            _ = p.StandardError.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (acked.Count < 3000)
            {
                var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.NotNull(line);
                var parts = line.Split(' ');
                acked[long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)] = parts[1];
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(40), "the writer is too slow");
            }
            p.Kill(); // SIGKILL on Linux: no shutdown, no flush, no final checkpoint
            // Everything the child printed before it died was acknowledged too.
            while (await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && parts[1].Length == 64) acked[long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)] = parts[1];
            }
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, p.ExitCode);
        }

        // The store reopens (so the chain verifies) and holds every acknowledged record.
        await using var store = await Store.Open(dir.Path);
        var head = await store.HeadAsync();
        Assert.True(head.Sequence >= acked.Keys.Max());
        var records = new Dictionary<long, string>();
        for (long after = 0; ;)
        {
            var page = await store.ReadAsync(after, 5000);
            if (page.Count == 0) break;
            foreach (var r in page) records[r.Sequence] = r.Hash;
            after = page[^1].Sequence;
        }
        foreach (var (seq, hash) in acked) Assert.Equal(hash, records[seq]);
        Assert.True(SqliteAuditStore.Verify(dir.Path).Ok);
    }

    [Fact]
    public async Task The_wal_is_checkpointed_in_the_background_and_truncated_at_shutdown()
    {
        using var dir = new TempDir();
        var db = System.IO.Path.Combine(dir.Path, SqliteAuditStore.DatabaseFile);
        await using (var store = await Store.Open(dir.Path))
        {
            var before = new FileInfo(db).Length;
            for (var i = 0; i < 400; i++) await store.AppendAsync(AuditEntry.Note("padding " + new string('x', 2000)));
            // The writer never checkpoints inside a commit; the background connection copies the pages over.
            var grown = false;
            for (var i = 0; i < 100 && !grown; i++)
            {
                grown = new FileInfo(db).Length > before + 400 * 2000;
                if (!grown) await Task.Delay(100);
            }
            Assert.True(grown, "the database file did not receive the WAL's pages while the store was open");
        }
        var wal = db + "-wal";
        Assert.True(!File.Exists(wal) || new FileInfo(wal).Length == 0, "the WAL was not truncated at shutdown");
        Assert.True(SqliteAuditStore.Verify(dir.Path).Ok);
    }
}
