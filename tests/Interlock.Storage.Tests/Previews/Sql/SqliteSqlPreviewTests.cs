using Interlock.Previews;
using Interlock.Risk;
using Microsoft.Data.Sqlite;
using static Interlock.Storage.Tests.Previews.Sql.SqlPreviewTestSupport;

namespace Interlock.Storage.Tests.Previews.Sql;

/// <summary>The sql previewer on a real SQLite file the test builds: exact row counts, dependents, and the data unchanged after.</summary>
public sealed class SqliteSqlPreviewTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _db;

    public SqliteSqlPreviewTests()
    {
        _db = Path.Combine(_dir.Path, "app.db");
        Exec("""
            CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO users SELECT i, 'u' || i, i > 4 FROM n;
            CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), total INTEGER);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7) INSERT INTO orders SELECT i, i, i * 10 FROM n;
            CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders(id));
            INSERT INTO order_items VALUES (1, 1), (2, 1), (3, 2);
            CREATE VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
            CREATE TRIGGER orders_audit AFTER DELETE ON orders BEGIN SELECT 1; END;
            """);
    }

    public void Dispose() => _dir.Dispose();

    private void Exec(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long Count(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_db};Pooling=False;Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private void AssertUnchanged()
    {
        Assert.Equal(10, Count("SELECT count(*) FROM users"));
        Assert.Equal(4, Count("SELECT count(*) FROM users WHERE active = 0"));
        Assert.Equal(0, Count("SELECT count(*) FROM users WHERE name = 'x'"));
        Assert.Equal(7, Count("SELECT count(*) FROM orders"));
        Assert.Equal(3, Count("SELECT count(*) FROM order_items"));
        Assert.False(File.Exists(_db + "-journal"));
    }

    [Fact]
    public async Task ADeleteReportsExactlyTheRowsItWouldRemoveAndRemovesNone()
    {
        var p = await PreviewAsync("sqlite3 app.db \"DELETE FROM users WHERE active = 0\"", _dir.Path);
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(4, p.Count);
        Assert.Equal("rows", p.Unit);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        Assert.Equal("4 rows", Item(p, "statement", "DELETE FROM users WHERE active = 0").Detail);
        Assert.Equal($"4 rows would change in {_db}", p.Headline);
        AssertUnchanged();
    }

    [Fact]
    public async Task AnUpdateAndADeleteInOneSessionAreCountedOneByOne()
    {
        var p = await PreviewAsync("sqlite3 app.db \"UPDATE users SET name = 'x' WHERE id <= 3; DELETE FROM orders WHERE total >= 50\"", _dir.Path);
        Assert.Equal(3 + 3, p.Count);
        Assert.Equal("3 rows", Item(p, "statement", "UPDATE users SET name = 'x' WHERE id <= 3").Detail);
        Assert.Equal("3 rows", Item(p, "statement", "DELETE FROM orders WHERE total >= 50").Detail);
        AssertUnchanged();
    }

    [Fact]
    public async Task DropTableReportsItsRowsAndTheViewTriggerAndForeignKeyOnIt()
    {
        var p = await PreviewAsync("sqlite3 app.db 'DROP TABLE orders'", _dir.Path);
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(7, p.Count);
        Assert.Equal("7 rows would go", Item(p, "table", "orders").Detail);
        Assert.Equal("depends on orders", Item(p, "view", "order_totals").Detail);
        Assert.Equal("on orders", Item(p, "trigger", "orders_audit").Detail);
        Assert.Equal("order_items references orders", Item(p, "foreign_key", "order_items.order_id").Detail);
        Assert.Contains("would drop or empty orders", p.Headline, StringComparison.Ordinal);
        AssertUnchanged();
        Assert.Equal(1, Count("SELECT count(*) FROM sqlite_master WHERE name = 'orders'"));
    }

    [Fact]
    public async Task ACommitInsideTheSqlIsNotRunAndNothingIsCommitted()
    {
        var p = await PreviewAsync("sqlite3 app.db \"DELETE FROM users WHERE active = 0; COMMIT; DELETE FROM order_items\"", _dir.Path);
        Assert.Equal(4 + 3, p.Count);
        Assert.StartsWith("not run: transaction control", Item(p, "statement", "COMMIT").Detail, StringComparison.Ordinal);
        AssertUnchanged();
    }

    [Fact]
    public async Task AHereDocumentIsInlineSqlAndAnInputFileIsNot()
    {
        var p = await PreviewAsync("sqlite3 app.db <<'EOF'\nDELETE FROM orders WHERE user_id < 3;\nEOF", _dir.Path);
        Assert.Equal(2, p.Count);
        var file = await PreviewAsync("sqlite3 app.db < cleanup.sql", _dir.Path);
        Assert.Equal(PreviewStatus.Incomplete, file.Status);
        Assert.Contains("reads its SQL from the file cleanup.sql", file.Limit, StringComparison.Ordinal);
        AssertUnchanged();
    }

    [Fact]
    public async Task AStatementCutOffByCancellationIsAnIncompletePreviewAndChangesNothing()
    {
        // SQLite runs synchronously on the caller's thread (the PreviewRunner puts previewers on the pool), so the cancel is armed first.
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        // An endless recursive CTE: only the interrupt the token raises ends it.
        var pending = PreviewAsync("sqlite3 app.db 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) DELETE FROM users WHERE id IN (SELECT x FROM c)'",
            _dir.Path, cancellationToken: cts.Token);
        var p = await pending;
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Contains("cut off by the time budget while running statement 1", p.Limit, StringComparison.Ordinal);
        AssertUnchanged();
    }

    [Fact]
    public async Task ANoPreviewResourceIsNeverOpened()
    {
        var missing = Path.Combine(_dir.Path, "prod", "prod.db");
        var map = Map(Resource("prod-db", Path.Combine(_dir.Path, "prod", "*"), preview: false));
        var p = await PreviewAsync($"sqlite3 {missing} 'DELETE FROM users'", _dir.Path, map);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Equal("the resource map marks prod-db as no-preview", p.Limit);
        Assert.Equal("not previewed: the resource map marks prod-db as no-preview", p.Headline);
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public async Task TheResourceMapsConnectionIsUsedForATargetItNames()
    {
        // The command names a file that does not exist; the map says where that database really is.
        var map = Map(Resource("app-db", "/srv/app.db", connection: _db));
        var p = await PreviewAsync("sqlite3 /srv/app.db 'DELETE FROM users WHERE active = 0'", _dir.Path, map);
        Assert.Equal(4, p.Count);
        Assert.Equal($"4 rows would change in app-db ({_db})", p.Headline);
        AssertUnchanged();
    }

    [Fact]
    public async Task StatementsThatReachBeyondTheTransactionAreNotRun()
    {
        var p = await PreviewAsync("sqlite3 app.db \"PRAGMA journal_mode = WAL; VACUUM; DELETE FROM order_items\"", _dir.Path);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Equal(3, p.Count);
        Assert.StartsWith("not run: sets a SQLite pragma", Item(p, "statement", "PRAGMA journal_mode = WAL").Detail, StringComparison.Ordinal);
        Assert.StartsWith("not run: VACUUM", Item(p, "statement", "VACUUM").Detail, StringComparison.Ordinal);
        Assert.Equal(0, Count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"));
        AssertUnchanged();
    }

    [Fact]
    public async Task TheItemBudgetListsAtMostMaxItemsAndCountsTheRest()
    {
        var p = await PreviewAsync("sqlite3 app.db 'DELETE FROM users WHERE id = 1; DELETE FROM users WHERE id = 2; DELETE FROM users WHERE id = 3'", _dir.Path,
            budget: PreviewBudget.Default with { MaxItems = 2 });
        Assert.Equal(3, p.Count);
        Assert.Equal(2, p.Items.Count);
        Assert.Equal(1, p.ItemsOmitted);
        AssertUnchanged();
    }

    [Fact]
    public async Task By_default_a_file_in_the_workspace_is_previewed_and_one_outside_it_is_not_opened()
    {
        var inside = await PreviewAsync("sqlite3 app.db \"DELETE FROM users WHERE active = 0\"", _dir.Path, commandConnections: false);
        Assert.Equal(PreviewStatus.Complete, inside.Status);
        Assert.Equal(4, inside.Count);

        var elsewhere = Directory.CreateTempSubdirectory("il-sql-ws-").FullName;
        try
        {
            var outside = await PreviewAsync($"sqlite3 {_db} \"DELETE FROM users WHERE active = 0\"", elsewhere, commandConnections: false);
            Assert.Equal(PreviewStatus.Incomplete, outside.Status);
            Assert.Contains("is outside the workspace; SQLite previews open files in the workspace or ones the resource map declares", outside.Limit, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
