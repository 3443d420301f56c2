using System.Text;
using System.Text.Json;
using Interlock.Audit;
using Interlock.Pipeline;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Sql;
using Interlock.Storage.Tests.Postgres;
using Microsoft.Extensions.Time.Testing;
using static Interlock.Storage.Tests.Previews.Sql.SqlPreviewTestSupport;

namespace Interlock.Storage.Tests.Previews.Sql;

/// <summary>The sql previewer on a real PostgreSQL server: exact row counts, dependents from the catalogs, data unchanged after.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSqlPreviewTests(PostgresServer server) : IAsyncLifetime
{
    private const string Setup = """
        CREATE TABLE users (id int PRIMARY KEY, name text, active boolean);
        INSERT INTO users SELECT i, 'u' || i, i > 4 FROM generate_series(1, 10) i;
        CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users(id), total int);
        INSERT INTO orders SELECT i, i, i * 10 FROM generate_series(1, 7) i;
        CREATE TABLE order_items (id int PRIMARY KEY, order_id int REFERENCES orders(id));
        INSERT INTO order_items VALUES (1, 1), (2, 1), (3, 2);
        CREATE VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
        """;

    private readonly string _name = "app_" + Guid.NewGuid().ToString("N")[..12];
    private readonly TempDir _dir = new();
    private string _db = "";

    public async Task InitializeAsync() => _db = await server.CreateDatabaseAsync(_name, Setup);

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private string Url(string password = "") => $"postgres://postgres{(password.Length > 0 ? ":" + password : "")}@127.0.0.1:{server.Port}/{_name}";

    private Task<Preview> Psql(string sql, ResourceMap? map = null, CancellationToken cancellationToken = default) =>
        PreviewAsync($"psql {Url()} -c \"{sql}\"", _dir.Path, map, cancellationToken: cancellationToken);

    private async Task AssertUnchanged()
    {
        Assert.Equal(10, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM users"));
        Assert.Equal(4, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM users WHERE NOT active"));
        Assert.Equal(0, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM users WHERE name = 'x'"));
        Assert.Equal(7, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM orders"));
        Assert.Equal(3, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM order_items"));
        Assert.Equal(1, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM pg_views WHERE viewname = 'order_totals'"));
        // No preview transaction is left open or waiting.
        Assert.Equal(0, await PostgresServer.ScalarAsync(_db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'interlock-preview'"));
    }

    [Fact]
    public async Task ADeleteReportsExactlyTheRowsItWouldRemoveAndRemovesNone()
    {
        var p = await Psql("DELETE FROM order_items WHERE order_id = 1; DELETE FROM orders WHERE id > 5");
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(2 + 2, p.Count);
        Assert.Equal("2 rows", Item(p, "statement", "DELETE FROM order_items WHERE order_id = 1").Detail);
        Assert.Equal("2 rows", Item(p, "statement", "DELETE FROM orders WHERE id > 5").Detail);
        Assert.Equal(Reversibility.Irreversible, p.Reversibility);
        Assert.Equal($"4 rows would change in postgres {_name} on 127.0.0.1:{server.Port}", p.Headline);
        await AssertUnchanged();
    }

    [Fact]
    public async Task AnUpdateThroughHostPortUserFlagsReportsItsRows()
    {
        var p = await PreviewAsync($"psql -h 127.0.0.1 -p {server.Port} -U postgres -d {_name} -c \"UPDATE users SET name = 'x' WHERE active\"", _dir.Path);
        Assert.Equal(6, p.Count);
        Assert.Equal("6 rows", Item(p, "statement", "UPDATE users SET name = 'x' WHERE active").Detail);
        await AssertUnchanged();
    }

    [Fact]
    public async Task DropTableCascadeReportsItsRowsTheViewAndTheForeignKey()
    {
        var p = await Psql("DROP TABLE orders CASCADE");
        Assert.Equal(PreviewStatus.Complete, p.Status);
        Assert.Equal(7, p.Count);
        Assert.Equal("7 rows would go", Item(p, "table", "orders").Detail);
        Assert.Equal("depends on orders", Item(p, "view", "order_totals").Detail);
        Assert.Equal("order_items references orders", Item(p, "foreign_key", "order_items.order_items_order_id_fkey").Detail);
        Assert.Equal("7 rows", Item(p, "statement", "DROP TABLE orders CASCADE").Detail);
        await AssertUnchanged();
    }

    [Fact]
    public async Task DropTableWithoutCascadeWouldFailAndSaysWhy()
    {
        var p = await Psql("DROP TABLE orders");
        Assert.StartsWith("fails: cannot drop table orders because other objects depend on it", Item(p, "statement", "DROP TABLE orders").Detail, StringComparison.Ordinal);
        Assert.Equal("7 rows would go", Item(p, "table", "orders").Detail);
        Assert.Contains("a statement would fail", p.Headline, StringComparison.Ordinal);
        await AssertUnchanged();
    }

    [Fact]
    public async Task TruncateCascadeCountsTheReferencingTablesToo()
    {
        var p = await Psql("TRUNCATE orders CASCADE");
        Assert.Equal(7 + 3, p.Count);
        Assert.Equal("7 rows would go", Item(p, "table", "orders").Detail);
        Assert.Equal("3 rows would go", Item(p, "table", "order_items").Detail);
        await AssertUnchanged();
    }

    [Fact]
    public async Task DropDatabaseIsCountedNotRun()
    {
        var p = await PreviewAsync($"psql postgres://postgres@127.0.0.1:{server.Port}/postgres -c \"DROP DATABASE {_name}\"", _dir.Path);
        Assert.Equal(10 + 7 + 3, p.Count);
        Assert.Equal("3 tables, 20 rows", Item(p, "database", _name).Detail);
        Assert.Equal("20 rows (not run: DROP DATABASE cannot run inside a transaction: counted, not run)", Item(p, "statement", $"DROP DATABASE {_name}").Detail);
        Assert.Equal(1, await PostgresServer.ScalarAsync(server.ConnectionString(), $"SELECT count(*) FROM pg_database WHERE datname = '{_name}'"));
        await AssertUnchanged();
    }

    [Fact]
    public async Task ALongStatementCutOffByCancellationIsAnIncompletePreview()
    {
        using var cts = new CancellationTokenSource();
        var pending = Psql("DELETE FROM users WHERE id = (SELECT 1 FROM pg_sleep(60))", cancellationToken: cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(500));
        var p = await pending;
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Contains("cut off by the time budget while running statement 1", p.Limit, StringComparison.Ordinal);
        await AssertUnchanged();
    }

    [Fact]
    public async Task FunctionsWhoseEffectSurvivesARollbackAreNotRun()
    {
        var p = await Psql("SELECT pg_terminate_backend(1); DELETE FROM order_items");
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Equal(3, p.Count);
        Assert.Contains("calls pg_terminate_backend()", p.Limit, StringComparison.Ordinal);
        await AssertUnchanged();
    }

    [Fact]
    public async Task APasswordInTheConnectionNeverReachesThePreview()
    {
        var p = await PreviewAsync($"psql {Url("hunter2secret")} -c \"DELETE FROM order_items\"", _dir.Path);
        Assert.Equal(3, p.Count);
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) { w.WriteStartObject(); PreviewJson.Write(w, [p]); w.WriteEndObject(); }
        Assert.DoesNotContain("hunter2secret", Encoding.UTF8.GetString(ms.ToArray()), StringComparison.Ordinal);
        await AssertUnchanged();
    }

    [Fact]
    public async Task ANoPreviewResourceIsNeverConnectedTo()
    {
        // Nothing listens on the port the map's resource names; the command names the database by its map target.
        var map = Map(Resource("prod-db", "database/prod", connection: "Host=127.0.0.1;Port=1;Username=postgres;Database=prod", preview: false));
        var p = await PreviewAsync("psql -d prod -c \"DELETE FROM users\"", _dir.Path, map);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Equal("the resource map marks prod-db as no-preview", p.Limit);
        Assert.Equal("not previewed: the resource map marks prod-db as no-preview", p.Headline);
        Assert.DoesNotContain("could not connect", p.Limit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMapsConnectionServesADatabaseTheCommandNamesOnly()
    {
        var map = Map(Resource("app-db", "database/app", connection: $"Host=127.0.0.1;Port={server.Port};Username=postgres;Database={_name}"));
        var p = await PreviewAsync("psql -d app -c \"DELETE FROM users WHERE active AND id > 7\"", _dir.Path, map);
        Assert.Equal(3, p.Count);
        Assert.Equal($"3 rows would change in app-db (postgres {_name} on 127.0.0.1:{server.Port})", p.Headline);
        await AssertUnchanged();
    }

    private sealed class ListRecorder : IDecisionRecorder
    {
        public List<AuditEntry> Entries { get; } = [];

        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ThePipelineShowsTheRowsInTheDecisionDocument()
    {
        var recorder = new ListRecorder();
        var evaluator = Evaluator();
        var pipeline = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => evaluator, Recorder = recorder,
            Previews = new PreviewRunner([new SqlPreviewer(new SqlPreviewerOptions { CommandConnections = true })], new FakeTimeProvider()),
        });
        var reply = await pipeline.DecideAsync(new Interlock.Actions.ActionRequest { Command = $"psql {Url()} -c \"DELETE FROM users WHERE active AND id > 7\"", Cwd = _dir.Path, Home = _dir.Path }, null, CancellationToken.None);
        Assert.Equal(Interlock.Actions.Outcome.RequireApproval, reply.Decision.Outcome);
        var document = DecisionDocumentJson.Read(Assert.Single(recorder.Entries).Payload)!;
        var preview = Assert.Single(document.Previews);
        Assert.Equal("sql", preview.Previewer);
        Assert.Equal(3, preview.Count);
        Assert.Equal("rows", preview.Unit);
        Assert.Equal("3 rows", Item(preview, "statement", "DELETE FROM users WHERE active AND id > 7").Detail);
        Assert.Equal(3, reply.Evaluation!.Risk.BlastRadius.ScopeCount);
        await AssertUnchanged();
    }

    [Fact]
    public async Task By_default_a_server_named_only_by_the_command_is_never_connected_to()
    {
        var p = await PreviewAsync($"psql {Url()} -c \"DELETE FROM orders WHERE id > 5\"", _dir.Path, commandConnections: false);
        Assert.Equal(PreviewStatus.Incomplete, p.Status);
        Assert.Contains("is named only by the command; PostgreSQL previews use connections the resource map declares (connection:)", p.Limit, StringComparison.Ordinal);
        await AssertUnchanged();
    }
}
