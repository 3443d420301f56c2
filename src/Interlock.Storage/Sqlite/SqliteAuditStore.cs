using System.Security.Cryptography;
using System.Threading.Channels;
using Interlock.Audit;
using Microsoft.Data.Sqlite;

namespace Interlock.Storage.Sqlite;

/// <summary>Settings of <see cref="SqliteAuditStore"/>.</summary>
public sealed record SqliteAuditStoreOptions
{
    /// <summary>Directory holding <c>audit.db</c> and the checkpoint key pair.</summary>
    public required string DataDirectory { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>A checkpoint is signed every this many records …</summary>
    public int CheckpointEveryRecords { get; init; } = 1000;
    /// <summary>… or this often while records arrive.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Most appends committed in one transaction.</summary>
    public int MaxBatch { get; init; } = 1024;
    /// <summary>
    /// Other processes append to the same log (offline hooks, <c>exec</c>, <c>mcp-proxy</c> of one user): each commit
    /// reads the head inside its write transaction (SQLite's write lock orders the processes), and opening checks the
    /// last record's own hash instead of the whole chain, so a one-shot hook does not re-verify a long log on every
    /// call. <c>interlock audit verify</c> checks the whole chain.
    /// </summary>
    public bool SharedWriters { get; init; }
}

/// <summary>
/// The embedded audit store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit is fsync'd.
/// One writer task owns the connection and the chain head: it drains a channel of pending appends, builds their records
/// in order, writes them (and a checkpoint when one is due) in one transaction, commits, and only then completes the
/// callers' tasks (group commit). Triggers reject UPDATE and DELETE on both tables. The store refuses to open a log whose
/// chain or checkpoints do not verify. A write failure faults the store: every later append fails (fail closed).
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    public const string DatabaseFile = "audit.db";
    public const string PrivateKeyFile = "audit-signing-key.pem";
    public const string PublicKeyFile = "audit-signing-key.pub.pem";

    /// <summary>SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (sqlite3.h).</summary>
    private const int NoCheckpointOnClose = 1010;

    private const string Columns = "seq, id, ts, kind, agent, session, action_id, payload, prev_hash, hash";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL,
            agent TEXT, session TEXT, action_id TEXT, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
        """,
        // Readers look up an action's records (result ownership) and an agent's history.
        "CREATE INDEX IF NOT EXISTS audit_records_action ON audit_records (action_id)",
        "CREATE INDEX IF NOT EXISTS audit_records_agent ON audit_records (agent, seq)",
        "CREATE TABLE IF NOT EXISTS audit_checkpoints (seq INTEGER PRIMARY KEY, head_hash TEXT NOT NULL, ts INTEGER NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL)",
        "CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END",
    ];

    private sealed class Pending(AuditEntry? entry, bool checkpoint)
    {
        public AuditEntry? Entry { get; } = entry;
        public bool Checkpoint { get; } = checkpoint;
        public TaskCompletionSource<AuditRecord>? Record { get; } = entry is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<AuditCheckpoint>? Signed { get; } = checkpoint ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    private readonly SqliteAuditStoreOptions _options;
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;
    private readonly ECDsa _key;
    private readonly CheckpointSigner _signer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteCommand _insertRecord;
    private readonly SqliteCommand _insertCheckpoint;
    private readonly ITimer _timer;
    private readonly Task _loop;
    private readonly Task _walLoop;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _headLock = new();
    private AuditHead _head;
    private AuditCheckpoint? _lastCheckpoint;
    private Exception? _fault;
    private int _disposed;
    private long _commits;

    private SqliteAuditStore(SqliteAuditStoreOptions options, SqliteConnection writer, string readConnectionString, ECDsa key, AuditHead head, AuditCheckpoint? lastCheckpoint)
    {
        _options = options;
        _writer = writer;
        _readConnectionString = readConnectionString;
        _key = key;
        _head = head;
        _lastCheckpoint = lastCheckpoint;
        _signer = new CheckpointSigner(key, options.Time, options.CheckpointEveryRecords, options.CheckpointInterval, lastCheckpoint);
        PublicKeyPem = _signer.ExportPublicKeyPem();

        _insertRecord = writer.CreateCommand();
        _insertRecord.CommandText = $"INSERT INTO audit_records ({Columns}) VALUES ($seq, $id, $ts, $kind, $agent, $session, $action_id, $payload, $prev_hash, $hash)";
        foreach (var p in new[] { "$seq", "$id", "$ts", "$kind", "$agent", "$session", "$action_id", "$payload", "$prev_hash", "$hash" })
            _insertRecord.Parameters.Add(new SqliteParameter { ParameterName = p });
        _insertCheckpoint = writer.CreateCommand();
        _insertCheckpoint.CommandText = "INSERT INTO audit_checkpoints (seq, head_hash, ts, key_id, signature) VALUES ($seq, $head, $ts, $key, $sig)";
        foreach (var p in new[] { "$seq", "$head", "$ts", "$key", "$sig" })
            _insertCheckpoint.Parameters.Add(new SqliteParameter { ParameterName = p });

        _loop = Task.Run(WriterLoop);
        _walLoop = options.SharedWriters ? Task.CompletedTask : Task.Run(WalCheckpointLoop);
        _timer = options.Time.CreateTimer(_ => _queue.Writer.TryWrite(new Pending(null, checkpoint: false)), null, options.CheckpointInterval, options.CheckpointInterval);
    }

    public string PublicKeyPem { get; }

    /// <summary>Transactions committed so far (appends per commit shows group commit at work).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public string DatabasePath => Path.Combine(_options.DataDirectory, DatabaseFile);

    /// <summary>
    /// Opens (creating when absent) the store in <see cref="SqliteAuditStoreOptions.DataDirectory"/>: creates the
    /// checkpoint key pair on first start, verifies the whole chain and its checkpoints, and throws
    /// <see cref="AuditTamperedException"/> naming the first bad sequence when they do not verify.
    /// </summary>
    public static async Task<SqliteAuditStore> OpenAsync(SqliteAuditStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var dbPath = Path.Combine(options.DataDirectory, DatabaseFile);
        var fresh = !File.Exists(dbPath);
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        ECDsa? key = null;
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            // The busy timeout first: another process creating the same log holds its lock while it switches to WAL.
            Exec(writer, "PRAGMA busy_timeout=5000");
            Exec(writer, "PRAGMA journal_mode=WAL");
            Exec(writer, "PRAGMA synchronous=FULL");
            // No checkpoint inside a commit: copying the WAL back into the database (and its fsync) would stall the
            // appends waiting behind it; a background connection checkpoints instead (see WalCheckpointLoop).
            // Shared writers are mostly one-shot processes with no background loop: SQLite's own checkpoint on commit
            // (every 1000 WAL pages) keeps the WAL bounded for them.
            if (!options.SharedWriters) Exec(writer, "PRAGMA wal_autocheckpoint=0");
            // A shared writer is usually a process that appends once and exits: closing the last connection would copy
            // the WAL into the database and fsync both every time (SQLite's checkpoint on close). The WAL stays; commits
            // checkpoint it past 1000 pages.
            else if (SQLitePCL.raw.sqlite3_db_config(writer.Handle, NoCheckpointOnClose, 1, out _) != SQLitePCL.raw.SQLITE_OK)
                throw new InvalidOperationException("the audit database refused SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
            // Durability is the point of this store: refuse to run without WAL and synchronous=FULL (2).
            if (Text(writer, "PRAGMA journal_mode") != "wal" || Scalar(writer, "PRAGMA synchronous") != 2)
                throw new InvalidOperationException("the audit database could not be put in WAL mode with synchronous=FULL");
            foreach (var sql in Schema) Exec(writer, sql);

            var hasData = Scalar(writer, "SELECT EXISTS (SELECT 1 FROM audit_records) OR EXISTS (SELECT 1 FROM audit_checkpoints)") > 0;
            key = LoadOrCreateKey(options.DataDirectory, create: fresh || !hasData);

            AuditHead head;
            IReadOnlyList<AuditCheckpoint> checkpoints;
            if (options.SharedWriters)
            {
                head = ReadHead(writer);
                checkpoints = LastCheckpoint(writer);
            }
            else
            {
                var verification = VerifyConnection(writer, key);
                if (!verification.Ok) throw new AuditTamperedException(verification.FirstBadSequence, verification.Problem ?? "does not verify");
                head = new AuditHead(verification.Records, verification.Head);
                checkpoints = ReadCheckpoints(writer, 0, int.MaxValue);
            }
            var readCs = new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
            return new SqliteAuditStore(options, writer, readCs, key, head, checkpoints.Count > 0 ? checkpoints[^1] : null);
        }
        catch
        {
            key?.Dispose();
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Verifies a data directory offline and read-only, without opening the store: the chain, the checkpoints, and their
    /// signatures with <paramref name="publicKey"/> (default: the directory's public key file).
    /// </summary>
    public static AuditVerification Verify(string dataDirectory, ECDsa? publicKey = null)
    {
        var dbPath = Path.Combine(dataDirectory, DatabaseFile);
        if (!File.Exists(dbPath)) throw new FileNotFoundException($"no audit database at {dbPath}", dbPath);
        using var owned = publicKey is null ? LoadPublicKey(dataDirectory) : null;
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        return VerifyConnection(conn, publicKey ?? owned);
    }

    /// <summary>Writes a data directory's log as a JSON Lines export (read-only; works while a store has it open).</summary>
    public static async Task<long> ExportAsync(string dataDirectory, Stream output, CancellationToken cancellationToken = default)
    {
        var dbPath = Path.Combine(dataDirectory, DatabaseFile);
        if (!File.Exists(dbPath)) throw new FileNotFoundException($"no audit database at {dbPath}", dbPath);
        var pubPath = Path.Combine(dataDirectory, PublicKeyFile);
        var pem = File.Exists(pubPath) ? await File.ReadAllTextAsync(pubPath, cancellationToken).ConfigureAwait(false) : "";
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One read transaction: checkpoints and records from the same snapshot.
        Exec(conn, "BEGIN");
        var checkpoints = ReadCheckpoints(conn, 0, int.MaxValue);
        return await AuditExport.WriteAsync(output, pem, checkpoints, StreamRecords(conn), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The directory's checkpoint public key, or null when there is none.</summary>
    public static ECDsa? LoadPublicKey(string dataDirectory)
    {
        var pub = Path.Combine(dataDirectory, PublicKeyFile);
        if (File.Exists(pub)) return CheckpointSigner.ImportPublicKeyPem(File.ReadAllText(pub));
        return null;
    }

    private static AuditVerification VerifyConnection(SqliteConnection conn, ECDsa? publicKey)
    {
        try
        {
            return AuditChain.Verify(StreamRecords(conn), ReadCheckpoints(conn, 0, int.MaxValue), publicKey);
        }
        catch (AuditFormatException ex)
        {
            return new AuditVerification(false, 0, "", ex.Sequence, ex.Message);
        }
    }

    private static ECDsa LoadOrCreateKey(string dir, bool create)
    {
        var priv = Path.Combine(dir, PrivateKeyFile);
        var pub = Path.Combine(dir, PublicKeyFile);
        if (!File.Exists(priv))
        {
            if (!create) throw new AuditTamperedException(null, $"the audit log has records but its signing key {priv} is missing");
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            // Several processes may open a new log at once (hooks of parallel tool calls): each writes its key aside and
            // renames it into place; the first rename wins and every process then signs with that one key.
            PublishDurably(priv, created.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(priv));
            if (!File.Exists(pub)) PublishDurably(pub, key.ExportSubjectPublicKeyInfoPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> to a new file beside <paramref name="path"/>, fsyncs it and renames it there unless another writer already did.</summary>
    private static void PublishDurably(string path, string text, UnixFileMode mode)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteDurably(temp, text, mode);
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process published first: its file is complete (it was renamed into place after its fsync).
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void WriteDurably(string path, string text, UnixFileMode mode)
    {
        var fso = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) fso.UnixCreateMode = mode;
        using var fs = new FileStream(path, fso);
        using (var w = new StreamWriter(fs, leaveOpen: true)) w.Write(text);
        fs.Flush(flushToDisk: true);
    }

    public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_fault is { } fault) return ValueTask.FromException<AuditRecord>(new InvalidOperationException("the audit store failed and accepts no more records", fault));
        var pending = new Pending(entry, checkpoint: false);
        if (!_queue.Writer.TryWrite(pending)) return ValueTask.FromException<AuditRecord>(new ObjectDisposedException(nameof(SqliteAuditStore)));
        return new ValueTask<AuditRecord>(cancellationToken.CanBeCanceled ? pending.Record!.Task.WaitAsync(cancellationToken) : pending.Record!.Task);
    }

    public ValueTask<AuditCheckpoint> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        var pending = new Pending(null, checkpoint: true);
        if (!_queue.Writer.TryWrite(pending)) return ValueTask.FromException<AuditCheckpoint>(new ObjectDisposedException(nameof(SqliteAuditStore)));
        return new ValueTask<AuditCheckpoint>(pending.Signed!.Task.WaitAsync(cancellationToken));
    }

    public ValueTask<AuditHead> HeadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(CurrentHead);

    private AuditHead CurrentHead
    {
        get
        {
            lock (_headLock) return _head;
        }
    }

    public async ValueTask<IReadOnlyList<AuditRecord>> ReadAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        using var conn = new SqliteConnection(_readConnectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return ReadRecords(conn, after, limit);
    }

    public async ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var conn = new SqliteConnection(_readConnectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var cmd = conn.CreateCommand();
        var where = new List<string>();
        if (query.After > 0) { where.Add("seq > $after"); cmd.Parameters.AddWithValue("$after", query.After); }
        if (query.Before is { } before) { where.Add("seq < $before"); cmd.Parameters.AddWithValue("$before", before); }
        if (query.Agent is { } agent) { where.Add("agent = $agent"); cmd.Parameters.AddWithValue("$agent", agent); }
        if (query.ActionId is { } action) { where.Add("action_id = $action"); cmd.Parameters.AddWithValue("$action", action); }
        if (query.Kind is { } kind) { where.Add("kind = $kind"); cmd.Parameters.AddWithValue("$kind", kind.WireName()); }
        cmd.CommandText = $"SELECT {Columns} FROM audit_records {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY seq {(query.Newest ? "DESC" : "")} LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 10_000));
        var list = new List<AuditRecord>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) list.Add(ReadRecord(reader));
        return list;
    }

    /// <summary>The write failure that stopped the store, or null while it accepts records.</summary>
    public Exception? Fault => _fault;

    public async ValueTask<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        using var conn = new SqliteConnection(_readConnectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return ReadCheckpoints(conn, after, limit);
    }

    private async Task WriterLoop()
    {
        var batch = new List<Pending>(_options.MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
            if (_fault is { } fault)
            {
                Fail(batch, fault);
                continue;
            }
            try
            {
                WriteBatch(batch);
            }
            catch (Exception ex)
            {
                _fault = ex;
                Fail(batch, ex);
            }
        }
    }

    private void WriteBatch(List<Pending> batch)
    {
        var head = CurrentHead;
        var records = new AuditRecord?[batch.Count];
        var forced = false;
        AuditCheckpoint? checkpoint = null;
        // BEGIN IMMEDIATE: the write lock is taken before the head is read, so processes sharing the log take turns.
        using (var tx = _writer.BeginTransaction(deferred: false))
        {
            _insertRecord.Transaction = tx;
            _insertCheckpoint.Transaction = tx;
            if (_options.SharedWriters) head = ReadHead(_writer, tx);
            for (var i = 0; i < batch.Count; i++)
            {
                var p = batch[i];
                forced |= p.Checkpoint;
                if (p.Entry is null) continue;
                var now = _options.Time.GetUtcNow();
                var r = AuditChain.Build(head, p.Entry, now, AuditChain.NewId(now));
                var ps = _insertRecord.Parameters;
                ps[0].Value = r.Sequence;
                ps[1].Value = r.Id;
                ps[2].Value = r.Timestamp.ToUnixTimeMilliseconds();
                ps[3].Value = r.Entry.Kind.WireName();
                ps[4].Value = (object?)r.Entry.Agent ?? DBNull.Value;
                ps[5].Value = (object?)r.Entry.Session ?? DBNull.Value;
                ps[6].Value = (object?)r.Entry.ActionId ?? DBNull.Value;
                ps[7].Value = r.Entry.Payload;
                ps[8].Value = r.PreviousHash;
                ps[9].Value = r.Hash;
                _insertRecord.ExecuteNonQuery();
                records[i] = r;
                head = r.Head;
            }
            if ((forced && head.Sequence > _signer.LastSequence) || _signer.IsDue(head))
            {
                checkpoint = _signer.Sign(head);
                var ps = _insertCheckpoint.Parameters;
                ps[0].Value = checkpoint.Sequence;
                ps[1].Value = checkpoint.HeadHash;
                ps[2].Value = checkpoint.Time.ToUnixTimeMilliseconds();
                ps[3].Value = checkpoint.KeyId;
                ps[4].Value = checkpoint.Signature;
                _insertCheckpoint.ExecuteNonQuery();
            }
            tx.Commit();
        }
        Interlocked.Increment(ref _commits);
        lock (_headLock) _head = head;
        if (checkpoint is not null) _lastCheckpoint = checkpoint;
        for (var i = 0; i < batch.Count; i++)
        {
            var p = batch[i];
            if (records[i] is { } r) p.Record!.TrySetResult(r);
            if (p.Signed is { } signed)
            {
                if (_lastCheckpoint is { } last) signed.TrySetResult(last);
                else signed.TrySetException(new InvalidOperationException("the audit log is empty: nothing to checkpoint"));
            }
        }
    }

    private static void Fail(List<Pending> batch, Exception ex)
    {
        foreach (var p in batch)
        {
            p.Record?.TrySetException(new InvalidOperationException("the audit record was not written", ex));
            p.Signed?.TrySetException(new InvalidOperationException("the checkpoint was not written", ex));
        }
    }

    /// <summary>
    /// Moves committed WAL frames into the database twice a second from its own connection, without blocking the
    /// writer (PASSIVE); once everything is copied, the writer's next commit starts the WAL over, so it stays small.
    /// A maintenance cadence, not a semantic time: it runs on the real clock whatever <see cref="SqliteAuditStoreOptions.Time"/> is.
    /// </summary>
    private async Task WalCheckpointLoop()
    {
        var cs = new SqliteConnectionStringBuilder(_readConnectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            using var conn = new SqliteConnection(cs);
            await conn.OpenAsync(_stopping.Token).ConfigureAwait(false);
            Exec(conn, "PRAGMA busy_timeout=5000");
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    Exec(conn, "PRAGMA wal_checkpoint(PASSIVE)");
                }
                catch (SqliteException)
                {
                    // Busy now; the next tick tries again. A checkpoint is maintenance: the records are already durable in the WAL.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _walLoop.ConfigureAwait(false);
        _stopping.Dispose();
        await _timer.DisposeAsync().ConfigureAwait(false);
        // A clean shutdown leaves the head covered by a checkpoint. A shared writer (a hook, one decision per process)
        // does not: a signature and a WAL truncation per call would double its cost, and its next append past the
        // checkpoint interval signs one (records after the last checkpoint verify by the chain alone).
        if (!_options.SharedWriters && _fault is null && CurrentHead.Sequence > _signer.LastSequence) _queue.Writer.TryWrite(new Pending(null, checkpoint: true));
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        try
        {
            if (!_options.SharedWriters) Exec(_writer, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        catch (SqliteException)
        {
            // Another process holds the database; the WAL is checkpointed by the next opener.
        }
        _insertRecord.Dispose();
        _insertCheckpoint.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }

    internal static IReadOnlyList<AuditRecord> ReadRecords(SqliteConnection conn, long after, int limit)
    {
        var list = new List<AuditRecord>();
        foreach (var r in StreamRecords(conn, after, limit)) list.Add(r);
        return list;
    }

    /// <summary>The last record's head, its own hash checked (a shared writer links to it without re-verifying the chain).</summary>
    private static AuditHead ReadHead(SqliteConnection conn, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {Columns} FROM audit_records ORDER BY seq DESC LIMIT 1";
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) return AuditHead.Genesis;
        var last = ReadRecord(reader);
        if (last.ComputeHash() != last.Hash) throw new AuditTamperedException(last.Sequence, "the last record's hash does not match its contents");
        return last.Head;
    }

    private static IReadOnlyList<AuditCheckpoint> LastCheckpoint(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT MAX(seq) FROM audit_checkpoints";
        var max = cmd.ExecuteScalar();
        return max is long seq ? ReadCheckpoints(conn, seq - 1, 1) : [];
    }

    private static IEnumerable<AuditRecord> StreamRecords(SqliteConnection conn, long after = 0, int limit = int.MaxValue)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM audit_records WHERE seq > $after ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$after", after);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) yield return ReadRecord(reader);
    }

    private static AuditRecord ReadRecord(SqliteDataReader reader)
    {
        var seq = reader.GetInt64(0);
        var kindText = reader.GetString(3);
        if (!AuditKinds.TryParse(kindText, out var kind)) throw new AuditFormatException(seq, $"record {seq} has an unknown kind '{kindText}'");
        DateTimeOffset ts;
        try
        {
            ts = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new AuditFormatException(seq, $"record {seq} has an impossible timestamp");
        }
        return new AuditRecord
        {
            Sequence = seq,
            Id = reader.GetString(1),
            Timestamp = ts,
            Entry = new AuditEntry
            {
                Kind = kind,
                Agent = reader.IsDBNull(4) ? null : reader.GetString(4),
                Session = reader.IsDBNull(5) ? null : reader.GetString(5),
                ActionId = reader.IsDBNull(6) ? null : reader.GetString(6),
                Payload = reader.GetString(7),
            },
            PreviousHash = reader.GetString(8),
            Hash = reader.GetString(9),
        };
    }

    internal static IReadOnlyList<AuditCheckpoint> ReadCheckpoints(SqliteConnection conn, long after, int limit)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT seq, head_hash, ts, key_id, signature FROM audit_checkpoints WHERE seq > $after ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$after", after);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var reader = cmd.ExecuteReader();
        var list = new List<AuditCheckpoint>();
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            DateTimeOffset ts;
            try
            {
                ts = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new AuditFormatException(seq, $"checkpoint {seq} has an impossible timestamp");
            }
            list.Add(new AuditCheckpoint(seq, reader.GetString(1), ts, reader.GetString(3), reader.GetString(4)));
        }
        return list;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string? Text(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() as string;
    }

    private static long Scalar(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The SQLite library version, e.g. <c>3.50.4</c> (a smoke test that the native library loads).</summary>
    public static string SqliteVersion()
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version()";
        return (string)cmd.ExecuteScalar()!;
    }
}
