using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Database clients; the statements they carry are analyzed by the <c>sql</c>, <c>redis</c> and <c>mongo</c> semantics.</summary>
internal static class DatabaseTables
{
    public static ProgramSpec[] Programs { get; } =
    [
        new("psql", new CommandRow("", Read, "opens a PostgreSQL session") { Targets = false, Shared = true, Semantics = "sql" })
        {
            ValueOptions = "-h --host -p --port -U --username -d --dbname -c --command -f --file -o --output -v --set --variable -P --pset -F --field-separator -R --record-separator -T --table-attr -L --log-file",
            DetectEnvironment = true,
        },
        new("mysql mariadb", new CommandRow("", Read, "opens a MySQL session") { Targets = false, Shared = true, Semantics = "sql" })
        {
            ValueOptions = "-h --host -P --port -u --user -D --database -e --execute -S --socket --default-character-set --defaults-file --login-path --ssl-ca --ssl-cert --ssl-key --init-command",
            DetectEnvironment = true,
        },
        new("sqlite3 sqlite duckdb", new CommandRow("", Read, "opens a SQLite database") { Targets = false, Semantics = "sql" })
        { ValueOptions = "-cmd -separator -nullvalue -init", ShortFlagClusters = false },
        new("cockroach clickhouse-client", new CommandRow("", Read, "opens a SQL session") { Targets = false, Shared = true, Semantics = "sql" })
        { ValueOptions = "--host --port --user --database -d --url -e --execute -q --query", DetectEnvironment = true },
        new("mongosh mongo", new CommandRow("", Read, "opens a MongoDB session") { Targets = false, Shared = true, Semantics = "mongo" })
        { ValueOptions = "--eval --host --port -u --username -p --password --authenticationDatabase --file -f", DetectEnvironment = true, ShortFlagClusters = false },
        new("redis-cli valkey-cli", new CommandRow("", Read, "opens a Redis session") { Targets = false, Shared = true, Semantics = "redis" })
        { ValueOptions = "-h -p -a -n -u -s --user --pass -r -i -d --tls --cacert --cert --key --sni", DetectEnvironment = true, ShortFlagClusters = false },
        new("dropdb dropuser pg_dropcluster",
            new CommandRow("", Destroy, "drops a database") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive", Semantics = "database-targets" })
        { ValueOptions = "-h --host -p --port -U --username", DetectEnvironment = true },
        new("mysqladmin",
            new CommandRow("drop", Destroy, "drops a database") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("shutdown|kill", Update, "stops the server or its sessions") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("status|ping|version|variables|processlist|extended-status", Read, "reads server status"),
            new CommandRow("*", Update, "administers the server") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-h --host -P --port -u --user", DetectEnvironment = true },
        new("createdb createuser pg_createcluster", new CommandRow("", Create, "creates a database") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-h --host -p --port -U --username -O --owner -T --template -E --encoding", DetectEnvironment = true },
        new("pg_dump pg_dumpall mysqldump mongodump", new CommandRow("", Read, "dumps a database") { Targets = false, Shared = true })
        { ValueOptions = "-h --host -p --port -U --username -d --dbname -f --file -F --format -t --table -n --schema -u --user -P --db --out -o", DetectEnvironment = true },
        new("pg_restore mongorestore", new CommandRow("", Update, "restores a dump into a database") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("", Destroy, "drops objects before restoring them") { AnyFlag = "-c|--clean|--drop", Targets = false, Shared = true, Irreversible = true, MinTier = Never })
        { ValueOptions = "-h --host -p --port -U --username -d --dbname -f --file -F --format -n --schema -t --table --db", DetectEnvironment = true },
        new("pg_ctl pg_ctlcluster", new CommandRow("status", Read, "reads server status"),
            new CommandRow("*", Update, "starts or stops a database server") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-D --pgdata -l --log -m --mode -o -w -t", DetectEnvironment = true },
    ];
}
