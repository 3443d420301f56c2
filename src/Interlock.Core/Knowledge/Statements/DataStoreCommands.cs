using Interlock.Actions;

namespace Interlock.Knowledge.Statements;

/// <summary>Redis commands and MongoDB shell calls, classified like SQL statements.</summary>
public static class DataStoreCommands
{
    private static readonly HashSet<string> RedisCritical = new(StringComparer.OrdinalIgnoreCase)
        { "FLUSHALL", "FLUSHDB", "SHUTDOWN", "DEBUG", "SLAVEOF", "REPLICAOF", "FAILOVER", "CLUSTER", "MODULE", "SWAPDB", "MIGRATE", "RESTORE" };

    private static readonly HashSet<string> RedisDeletes = new(StringComparer.OrdinalIgnoreCase)
        { "DEL", "UNLINK", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "GETDEL", "HDEL", "SREM", "LREM", "ZREM", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "XDEL", "XTRIM", "LTRIM", "SPOP", "LPOP", "RPOP", "RENAME", "RENAMENX", "SCRIPT", "FUNCTION" };

    private static readonly HashSet<string> RedisReads = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET", "MGET", "KEYS", "SCAN", "SSCAN", "HSCAN", "ZSCAN", "INFO", "PING", "TTL", "PTTL", "TYPE", "EXISTS", "HGET", "HGETALL", "HMGET", "HKEYS", "HVALS", "HLEN",
        "LRANGE", "LLEN", "LINDEX", "SMEMBERS", "SISMEMBER", "SCARD", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZSCORE", "ZCARD", "ZCOUNT", "ZRANK", "STRLEN", "GETRANGE",
        "MONITOR", "DBSIZE", "TIME", "LASTSAVE", "ECHO", "SELECT", "AUTH", "HELLO", "MEMORY", "OBJECT", "DUMP", "RANDOMKEY", "XRANGE", "XREVRANGE", "XLEN", "XREAD", "XINFO",
        "PUBSUB", "SUBSCRIBE", "PSUBSCRIBE", "COMMAND", "ROLE", "LATENCY", "SLOWLOG", "BITCOUNT", "GETBIT", "PFCOUNT", "GEOPOS", "GEODIST", "GEORADIUS", "GEOSEARCH", "QUIT",
    };

    /// <summary>Classifies one Redis command given as words (<c>FLUSHALL</c>, <c>DEL key</c>).</summary>
    public static StatementFinding Redis(IReadOnlyList<string> words)
    {
        if (words.Count == 0) return new("", OperationClass.Read, "opens an interactive session", []);
        var verb = words[0].ToUpperInvariant();
        var targets = words.Count > 1 ? new[] { words[1] } : [];
        if (verb == "CONFIG")
        {
            var sub = words.Count > 1 ? words[1].ToUpperInvariant() : "";
            return sub is "GET" ? new("CONFIG GET", OperationClass.Read, "reads configuration", [])
                : sub is "SET" && words.Count > 2 && words[2].ToLowerInvariant() is "dir" or "dbfilename"
                    ? new("CONFIG SET", OperationClass.Destroy, "points the server's dump file at another path, a known takeover path", [], Critical: true)
                    : new($"CONFIG {sub}", OperationClass.Update, "changes server configuration", []);
        }
        if (verb == "CLIENT")
        {
            // CLIENT KILL, PAUSE or NO-EVICT act on other sessions; LIST and INFO only show them.
            var sub = words.Count > 1 ? words[1].ToUpperInvariant() : "";
            return sub is "LIST" or "INFO" or "GETNAME" or "ID" or "TRACKINGINFO" or "GETREDIR" or "HELP"
                ? new($"CLIENT {sub}", OperationClass.Read, "reads client sessions", [])
                : new($"CLIENT {sub}".TrimEnd(), OperationClass.Update, "changes or ends other clients' sessions", []);
        }
        if (verb is "EVAL" or "EVAL_RO") return RedisScript(words.Count > 1 ? words[1] : "");
        if (verb is "EVALSHA" or "EVALSHA_RO" or "FCALL" or "FCALL_RO")
            return new(verb, OperationClass.Exec, "runs a script stored on the server, whose commands are not visible here", []);
        if (RedisCritical.Contains(verb)) return new(verb, OperationClass.Destroy, $"{verb} wipes or takes down the data store", [], Critical: true);
        if (RedisDeletes.Contains(verb)) return new(verb, OperationClass.Delete, "deletes keys", targets);
        if (RedisReads.Contains(verb)) return new(verb, OperationClass.Read, "reads keys or server state", targets);
        return new(verb, OperationClass.Update, "writes keys", targets);
    }

    /// <summary>
    /// <c>EVAL script</c>: the script's <c>redis.call('CMD', …)</c> calls with a literal command name are classified as
    /// commands; a call whose command is computed is not visible, so the script is not taken as a read.
    /// </summary>
    private static StatementFinding RedisScript(string script)
    {
        StatementFinding? worst = null;
        bool computed = false;
        foreach (var marker in new[] { "redis.call(", "redis.pcall(" })
        {
            for (int i = script.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = script.IndexOf(marker, i + 1, StringComparison.Ordinal))
            {
                var rest = script.AsSpan(i + marker.Length).TrimStart();
                if (rest.Length == 0 || rest[0] is not ('\'' or '"')) { computed = true; continue; }
                int close = rest[1..].IndexOf(rest[0]);
                if (close < 0) { computed = true; continue; }
                var command = rest.Slice(1, close).ToString().Trim();
                // A script cannot EVAL; a command name that itself says EVAL is simply unknown.
                var f = command.Length == 0 || command.StartsWith("EVAL", StringComparison.OrdinalIgnoreCase)
                    ? new StatementFinding(command, OperationClass.Update, "runs a command", [])
                    : Redis([command]);
                if (worst is null || Rank(f) > Rank(worst)) worst = f;
            }
        }
        if (computed && (worst is null || Rank(worst) < 2)) return new("EVAL", OperationClass.Update, "runs a script whose commands are computed, so not visible here", []);
        return worst is null ? new("EVAL", OperationClass.Read, "runs a script that calls no commands", [])
            : worst with { Verb = "EVAL " + worst.Verb, Reason = "runs a script that " + worst.Reason };

        static int Rank(StatementFinding f) => f.Critical ? 3 : f.Class == OperationClass.Read ? 0 : f.Class == OperationClass.Delete ? 2 : 1;
    }

    /// <summary>Shell methods and helpers that only read (cursor and JavaScript helpers included).</summary>
    private static readonly HashSet<string> MongoReads = new(StringComparer.Ordinal)
    {
        "find", "findOne", "count", "countDocuments", "estimatedDocumentCount", "distinct", "aggregate", "getCollectionNames", "getCollectionInfos",
        "listCollections", "stats", "dataSize", "storageSize", "totalSize", "totalIndexSize", "getIndexes", "getIndexKeys", "getIndexSpecs", "explain", "help",
        "version", "serverStatus", "serverBuildInfo", "hostInfo", "getName", "getSiblingDB", "getCollection", "getMongo", "getDB", "getDBs", "getDBNames", "toArray",
        "forEach", "map", "filter", "reduce", "limit", "sort", "skip", "pretty", "printjson", "printjsononeline", "print", "hasNext", "next", "itcount",
        "size", "getUsers", "getUser", "getRoles", "getRole", "isMaster", "hello", "status", "conf", "config", "currentOp", "getProfilingStatus", "getProfilingLevel",
        "isWritablePrimary", "getReplicationInfo", "printReplicationInfo", "printSecondaryReplicationInfo", "getShardDistribution", "printShardingStatus",
        "watch", "length", "keys", "values", "entries", "stringify", "parse", "tojson", "toString", "toJSON", "join", "split", "slice", "includes", "push",
        "log", "ObjectId", "ISODate", "Date", "NumberLong", "NumberInt", "NumberDecimal", "UUID", "Timestamp", "BinData", "RegExp", "Number", "String",
        "batchSize", "project", "projection", "min", "max", "hint", "comment", "maxTimeMS", "readPref", "readConcern", "collation", "allowDiskUse",
        "noCursorTimeout", "returnKey", "showRecordId", "tailable", "close", "isExhausted", "isClosed", "objsLeftInBatch", "getCollectionStats",
        "validate", "getLastError", "getLogComponents", "serverCmdLineOpts", "listDatabases", "getPlanCache", "latencyStats", "isCapped", "exists",
        "floor", "round", "ceil", "abs", "now", "sleep", "quit", "exit", "use", "show", "db", "it", "rs", "sh", "JSON", "Math", "console", "Object", "Array",
        "getTime", "toISOString", "toLocaleString", "toFixed", "sum", "avg",
        // JavaScript keywords written like calls.
        "function", "if", "for", "while", "switch", "return", "typeof", "catch", "async", "await",
    };

    /// <summary>Database commands (<c>runCommand({ping: 1})</c>) that only read.</summary>
    private static readonly HashSet<string> MongoReadCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "ping", "listDatabases", "listCollections", "serverStatus", "buildInfo", "buildinfo", "hello", "isMaster", "ismaster", "getParameter", "connectionStatus",
        "dbStats", "dbstats", "collStats", "collstats", "hostInfo", "getLog", "replSetGetStatus", "replSetGetConfig", "top", "currentOp", "listIndexes",
        "count", "find", "distinct", "explain", "getCmdLineOpts", "whatsmyuri", "usersInfo", "rolesInfo", "listShards", "getShardMap", "validate",
    };

    private static readonly HashSet<string> MongoDrops = new(StringComparer.Ordinal)
        { "dropDatabase", "drop", "dropUser", "dropAllUsers", "dropRole", "dropAllRoles", "dropIndexes", "shutdownServer", "shutdown", "removeShard", "fsyncLock" };

    private static readonly HashSet<string> MongoCode = new(StringComparer.Ordinal)
        { "load", "require", "runProgram", "_runMongoProgram", "runMongoProgram", "startMongoProgram", "run", "exec", "execSync", "spawn", "spawnSync", "eval", "Function", "import" };

    /// <summary>
    /// Classifies MongoDB shell code (<c>--eval</c> or a script) by the calls in it: known reads read, drops and
    /// empty-filter deletes destroy, shell-outs and script loads run code, and any call not known changes the database.
    /// </summary>
    public static IReadOnlyList<StatementFinding> Mongo(string code)
    {
        var compact = new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var findings = new List<StatementFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, args) in Calls(compact))
        {
            if (MongoReads.Contains(name))
            {
                // $out and $merge write an aggregation's results into a collection.
                if (name == "aggregate" && (args.Contains("$out", StringComparison.Ordinal) || args.Contains("$merge", StringComparison.Ordinal)))
                    findings.Add(new("aggregate", OperationClass.Update, "writes an aggregation's results into a collection", []));
                continue;
            }
            bool everything = args.StartsWith("{}", StringComparison.Ordinal) || args.StartsWith(')');
            if (MongoDrops.Contains(name))
                findings.Add(new(name, OperationClass.Destroy, name.StartsWith("shutdown", StringComparison.Ordinal) || name is "fsyncLock"
                    ? "stops or freezes the database server" : "drops a database, collection, index or users", [], Critical: true));
            else if (name is "deleteMany" or "remove" or "updateMany" or "replaceOne" or "update")
            {
                bool update = name is not ("deleteMany" or "remove");
                findings.Add(everything && name is not "update"
                    ? new(name, OperationClass.Destroy, update ? "overwrites every document (empty filter)" : "deletes every document (empty filter)", [], Critical: true)
                    : new(name, update ? OperationClass.Update : OperationClass.Delete, update ? "updates documents" : "deletes documents", []));
            }
            else if (name is "deleteOne" or "findOneAndDelete" or "findAndModify")
                findings.Add(new(name, OperationClass.Delete, "deletes a document", []));
            else if (MongoCode.Contains(name))
                findings.Add(new(name, OperationClass.Exec, "runs code or programs outside the database shell's commands", []));
            else if (name is "runCommand" or "adminCommand" && CommandName(args) is { } command)
            {
                if (MongoDrops.Contains(command) || command is "dropDatabase" or "drop" or "shutdown")
                    findings.Add(new(name, OperationClass.Destroy, $"runs the '{command}' command, which drops data or stops the server", [], Critical: true));
                else if (!MongoReadCommands.Contains(command))
                    findings.Add(new(name, OperationClass.Update, $"runs the '{command}' database command", []));
            }
            else if (seen.Add(name))
                findings.Add(new(name, OperationClass.Update, $"calls {name}, which writes documents or changes the database", []));
        }
        if (findings.Count == 0) findings.Add(new("find", OperationClass.Read, "reads documents", []));
        return findings;
    }

    /// <summary>Each call in whitespace-free code: the name before <c>(</c> and the text after it.</summary>
    private static IEnumerable<(string Name, string Args)> Calls(string compact)
    {
        for (int i = compact.IndexOf('('); i >= 0; i = compact.IndexOf('(', i + 1))
        {
            int start = i;
            while (start > 0 && (char.IsLetterOrDigit(compact[start - 1]) || compact[start - 1] is '_' or '$')) start--;
            if (start == i) continue;
            yield return (compact[start..i], compact[(i + 1)..]);
        }
        // Bracket access hides the name: db['users']['drop']() → "drop".
        for (int i = compact.IndexOf("](", StringComparison.Ordinal); i >= 0; i = compact.IndexOf("](", i + 1, StringComparison.Ordinal))
        {
            int open = compact.LastIndexOf('[', i);
            if (open < 0) continue;
            var name = compact[(open + 1)..i].Trim('\'', '"', '`');
            yield return (name.Length == 0 ? "[computed]" : name, compact[(i + 2)..]);
        }
    }

    /// <summary>The first key of a command document: <c>{dropDatabase:1}</c> → dropDatabase.</summary>
    private static string? CommandName(string args)
    {
        if (args.StartsWith('\'') || args.StartsWith('"'))
        {
            int close = args.IndexOf(args[0], 1);
            return close < 0 ? null : args[1..close];
        }
        if (!args.StartsWith('{')) return null;
        int end = 1;
        while (end < args.Length && args[end] is not (':' or '}' or ',')) end++;
        return args[1..end].Trim('\'', '"', '`');
    }
}
