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
        "PUBSUB", "SUBSCRIBE", "PSUBSCRIBE", "COMMAND", "ROLE", "LATENCY", "SLOWLOG", "CLIENT", "BITCOUNT", "GETBIT", "PFCOUNT", "GEOPOS", "GEODIST", "GEORADIUS", "GEOSEARCH", "QUIT",
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
        if (RedisCritical.Contains(verb)) return new(verb, OperationClass.Destroy, $"{verb} wipes or takes down the data store", [], Critical: true);
        if (RedisDeletes.Contains(verb)) return new(verb, OperationClass.Delete, "deletes keys", targets);
        if (RedisReads.Contains(verb)) return new(verb, OperationClass.Read, "reads keys or server state", targets);
        return new(verb, OperationClass.Update, "writes keys", targets);
    }

    /// <summary>Classifies MongoDB shell code (<c>--eval</c> or a script): the worst call in it.</summary>
    public static IReadOnlyList<StatementFinding> Mongo(string code)
    {
        var compact = new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var findings = new List<StatementFinding>();
        if (compact.Contains("dropDatabase(", StringComparison.Ordinal) || compact.Contains(".drop(", StringComparison.Ordinal)
            || compact.Contains("dropUser(", StringComparison.Ordinal) || compact.Contains("dropAllUsers(", StringComparison.Ordinal)
            || compact.Contains("dropIndexes(", StringComparison.Ordinal))
            findings.Add(new("drop", OperationClass.Destroy, "drops a database, collection or users", [], Critical: true));
        foreach (var call in new[] { "deleteMany(", "remove(", "updateMany(", "replaceOne(" })
        {
            int idx = 0;
            while ((idx = compact.IndexOf(call, idx, StringComparison.Ordinal)) >= 0)
            {
                idx += call.Length;
                bool everything = compact.AsSpan(idx).StartsWith("{}") || compact.AsSpan(idx).StartsWith(")");
                bool update = call.StartsWith("update", StringComparison.Ordinal) || call.StartsWith("replace", StringComparison.Ordinal);
                findings.Add(everything
                    ? new(call.TrimEnd('('), OperationClass.Destroy, update ? "overwrites every document (empty filter)" : "deletes every document (empty filter)", [], Critical: true)
                    : new(call.TrimEnd('('), update ? OperationClass.Update : OperationClass.Delete, update ? "updates documents" : "deletes documents", []));
            }
        }
        foreach (var call in new[] { "deleteOne(", "findOneAndDelete(", "findAndModify(" })
            if (compact.Contains(call, StringComparison.Ordinal)) findings.Add(new(call.TrimEnd('('), OperationClass.Delete, "deletes a document", []));
        foreach (var call in new[] { "insert", "updateOne(", "update(", "findOneAndUpdate(", "findOneAndReplace(", "bulkWrite(", "createIndex(", "createCollection(", "renameCollection(", "createUser(", "grantRolesToUser(", "runCommand(", "adminCommand(", "eval(" })
            if (compact.Contains(call, StringComparison.Ordinal)) findings.Add(new(call.TrimEnd('('), OperationClass.Update, "writes documents or changes the database", []));
        if (findings.Count == 0) findings.Add(new("find", OperationClass.Read, "reads documents", []));
        return findings;
    }
}
