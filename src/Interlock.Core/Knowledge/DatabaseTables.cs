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
        { ValueOptions = "-cmd -separator -nullvalue -init -c -s", ShortFlagClusters = false },
        new("cockroach clickhouse-client trino presto sqlcmd snowsql usql", new CommandRow("", Read, "opens a SQL session") { Targets = false, Shared = true, Semantics = "sql" })
        { ValueOptions = "--host --port --user --database -d --url -e --execute -q --query -Q -S -U -P --server --catalog --schema -a --accountname -u --username -f --file -c --command --sql", DetectEnvironment = true },
        new("bq",
            new CommandRow("ls|show|head|version|help|wait|get-iam-policy", Read, "reads BigQuery metadata or rows") { Shared = true },
            new CommandRow("query", Read, "runs a BigQuery query") { Targets = false, Shared = true, Semantics = "sql-positional" },
            new CommandRow("rm", Destroy, "deletes a dataset, table or view") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("*", Update, "changes BigQuery datasets or tables") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--project_id --dataset_id --location --format --max_rows -n --destination_table --parameter", DetectEnvironment = true },
        new("influx",
            // InfluxDB 1.x's client takes InfluxQL: -execute 'DROP DATABASE x'.
            new CommandRow("", Read, "runs InfluxQL") { AnyFlag = "-execute|--execute", Targets = false, Shared = true, Semantics = "sql" },
            new CommandRow("query|bucket list|org list|ping|version|config list|auth list", Read, "reads InfluxDB") { Shared = true },
            new CommandRow("delete|bucket delete|org delete", Destroy, "deletes InfluxDB data") { Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("*", Update, "writes InfluxDB data or settings") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--host -t --token -o --org -b --bucket --start --stop --predicate -execute --execute -database -host -port -username -password -format", DetectEnvironment = true, ShortFlagClusters = false },
        new("dbt",
            new CommandRow("compile|ls|list|parse|debug|deps|docs generate|docs serve|show|test|clean|init|source freshness|retry --help", Read, "compiles, lists or tests dbt models") { Targets = false },
            new CommandRow("run|build|seed|snapshot|retry|clone", Update, "builds dbt models in the target warehouse") { Targets = false, Semantics = "build-targets" },
            new CommandRow("run|build|seed", Update, "rebuilds tables from scratch, dropping their data") { AnyFlag = "--full-refresh", Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("run-operation", Update, "runs a macro whose effect on the warehouse is not visible here") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "build-targets" })
        { ValueOptions = "--target -t --profile --profiles-dir --project-dir -s --select -m --models --exclude --vars --args --threads --selector --state --defer-state" },
        new("airflow",
            new CommandRow("dags list|dags show|dags state|dags details|dags list-runs|dags list-import-errors|tasks list|tasks state|tasks test|dags test|info|version|config list|config get-value|jobs check|db check|cheat-sheet|providers list|pools list|variables get|variables list|connections list", Read, "reads or test-runs Airflow DAGs") { Targets = false },
            new CommandRow("dags delete|db reset|db clean|db downgrade|variables delete|connections delete|pools delete|tasks clear", Destroy, "deletes DAG runs, metadata or settings") { Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("*", Update, "triggers or changes Airflow DAGs and settings") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-e --exec-date -c --conf -r --run-id -t --task-regex -s --start-date -o --output -S --subdir", DetectEnvironment = true },
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
        new("pg_dump pg_dumpall mysqldump mongodump", new CommandRow("", Read, "dumps a database") { Targets = false, Shared = true, OutputOptions = "-f|--file|-r|--result-file|-o|--out" })
        { ValueOptions = "-h --host -p --port -U --username -d --dbname -f --file -F --format -t --table -n --schema -u --user -P --db --out -o -r --result-file", DetectEnvironment = true },
        new("pg_restore mongorestore", new CommandRow("", Update, "restores a dump into a database") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("", Destroy, "drops objects before restoring them") { AnyFlag = "-c|--clean|--drop", Targets = false, Shared = true, Irreversible = true, MinTier = Never })
        { ValueOptions = "-h --host -p --port -U --username -d --dbname -f --file -F --format -n --schema -t --table --db", DetectEnvironment = true },
        new("pg_ctl pg_ctlcluster", new CommandRow("status", Read, "reads server status"),
            new CommandRow("*", Update, "starts or stops a database server") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-D --pgdata -l --log -m --mode -o -w -t", DetectEnvironment = true },
    ];
}
