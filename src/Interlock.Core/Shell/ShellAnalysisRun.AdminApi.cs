using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

// HTTP requests to administration APIs: the method and the path say what the request does, wherever the server runs.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// An HTTP request by method and path: DELETE deletes (on this machine's services too: a local Elasticsearch or
    /// a <c>kubectl proxy</c> is a shared store); <c>_delete_by_query</c>/<c>_update_by_query</c> change every document a
    /// query matches; the Kubernetes API (<c>/api/v1</c>, <c>/apis/</c>) changes cluster objects; the Docker socket is
    /// root on this machine. Emits the operation and returns true when the request is one of these.
    /// </summary>
    private bool EmitAdminApi(string program, string method, string? url, string? socket, string body, CallContext ctx)
    {
        if (url is null && socket is null) return false;
        var path = url is null ? "" : Hosts.PathOf(url.Contains("://", StringComparison.Ordinal) || url.StartsWith('/') ? url : "http://" + url);
        var lower = path.ToLowerInvariant();
        bool read = method is "GET" or "HEAD" or "OPTIONS";
        OperationClass cls;
        string reason;
        Tier tier = Tier.WriteWithConfirmation;
        // The container daemon's API, on its socket or on the TCP ports dockerd listens on (2375 plain, 2376 TLS).
        bool daemon = socket is not null
            ? socket.Contains("docker", StringComparison.Ordinal) || socket.Contains("podman", StringComparison.Ordinal) || socket.Contains("containerd", StringComparison.Ordinal)
            : url is not null && Hosts.PortOf(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url) is 2375 or 2376;
        if (daemon)
        {
            if (read) return false;
            if (method == "DELETE" || lower.Contains("/prune", StringComparison.Ordinal))
            {
                cls = OperationClass.Destroy;
                reason = "deletes containers, images or volumes through the container daemon's API";
                tier = Tier.Never;
            }
            else
            {
                cls = OperationClass.Privilege;
                reason = "controls the container daemon through its API, which is root on its machine";
            }
        }
        else if (lower.Contains("/_delete_by_query", StringComparison.Ordinal))
        {
            bool all = body.Contains("match_all", StringComparison.Ordinal);
            cls = all ? OperationClass.Destroy : OperationClass.Delete;
            reason = all ? "deletes every document of an index (_delete_by_query match_all)" : "deletes every document its query matches (_delete_by_query)";
            if (all) tier = Tier.Never;
        }
        else if (lower.Contains("/_update_by_query", StringComparison.Ordinal) || lower.Contains("/_reindex", StringComparison.Ordinal))
        {
            cls = OperationClass.Update;
            reason = "changes every document its query matches";
        }
        else if (!read && DataServiceWrite(lower) is { } known)
        {
            (cls, reason) = known;
            if (cls == OperationClass.Destroy) tier = Tier.Never;
        }
        else if (!read && IsKubernetesApiPath(lower))
        {
            cls = method == "DELETE" ? OperationClass.Delete : OperationClass.Update;
            reason = method == "DELETE" ? "deletes cluster objects through the Kubernetes API" : "changes cluster objects through the Kubernetes API";
        }
        else if (StatementIn(lower, url, body) is { } statement)
        {
            (cls, reason) = (statement.Class, statement.Reason + " through a query API (" + statement.Verb + ")");
            if (statement.Critical || cls == OperationClass.Destroy) tier = Tier.Never;
        }
        else if (read && url is not null && GetAction(lower, Hosts.QueryOf(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url), body) is { } action)
        {
            (cls, reason) = action;
            if (cls == OperationClass.Destroy) tier = Tier.Never;
        }
        else if (method == "DELETE")
        {
            // A wildcard or _all names every index, bucket or collection the server has.
            bool every = lower.Contains('*', StringComparison.Ordinal) || lower.Contains("/_all", StringComparison.Ordinal) || lower.Contains("%2a", StringComparison.Ordinal) || lower.TrimEnd('/').Length == 0;
            cls = every ? OperationClass.Destroy : OperationClass.Delete;
            reason = every ? "sends a DELETE request for everything a wildcard path names" : "sends a DELETE request";
            if (every) tier = Tier.Never;
        }
        else return false;

        var host = socket is not null ? "unix:" + socket : url is null ? "" : Hosts.Of(url);
        var d = NewDraft(program, method, cls, reason, ctx);
        d.Targets.Add(host + path);
        if (url is not null) d.Urls = [url];
        d.Shared = true;
        d.Irreversible = cls is OperationClass.Delete or OperationClass.Destroy;
        d.MinTier = tier;
        d.Environment = EnvironmentNames.Detect(host);
        d.Tags.Add("admin-api");
        if (cls == OperationClass.Destroy) d.Tags.Add("destructive");
        Emit(d);
        return true;
    }

    /// <summary>Paths of HTTP APIs that run the statement they are sent (InfluxQL, ClickHouse, CrateDB, Druid, Trino, QuestDB, Hasura).</summary>
    private static readonly string[] StatementPaths = ["/query", "/exec", "/_sql", "/sql", "/v1/statement", "/druid/v2/sql", "/v2/query", "/query/service", "/v1/query"];

    /// <summary>Parameters such APIs read the statement from, in the query string or a form body.</summary>
    private static readonly string[] StatementKeys = ["q", "query", "sql", "statement", "stmt"];

    /// <summary>
    /// The statement a query API is sent (<c>curl -X POST localhost:8086/query --data-urlencode 'q=DROP DATABASE x'</c>,
    /// ClickHouse's <c>?query=</c>), read as SQL: its most damaging part, or null when it only reads or there is none.
    /// </summary>
    private static StatementFinding? StatementIn(string path, string? url, string body)
    {
        var query = url is null ? "" : Hosts.QueryOf(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url);
        var texts = new List<string>();
        foreach (var part in (query + "&" + body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || Array.IndexOf(StatementKeys, part[..eq].Trim().ToLowerInvariant()) < 0) continue;
            // Only a statement: `q=level:error` is a search engine's query string, not SQL.
            var text = DecodeQuery(part[(eq + 1)..]);
            if (SqlStatementAnalyzer.LooksLikeStatement(text)) texts.Add(text);
        }
        var trimmed = path.TrimEnd('/');
        if (texts.Count == 0 && StatementPaths.Any(p => trimmed.EndsWith(p, StringComparison.Ordinal)) && SqlStatementAnalyzer.LooksLikeStatement(body)) texts.Add(body);
        StatementFinding? worst = null;
        foreach (var text in texts)
            foreach (var f in SqlStatementAnalyzer.Analyze(text))
                if (f.Class != OperationClass.Read && (worst is null || Severity(f) > Severity(worst))) worst = f;
        return worst;

        static int Severity(StatementFinding f) => (f.Critical ? 10 : 0) + f.Class switch
        {
            OperationClass.Destroy => 5, OperationClass.Delete => 4, OperationClass.Update => 3, OperationClass.Create => 2, _ => 1,
        };
    }

    private static string DecodeQuery(string text)
    {
        try { return Uri.UnescapeDataString(text.Replace('+', ' ')); }
        catch (UriFormatException) { return text; }
    }

    /// <summary>
    /// Endpoints of data services' HTTP APIs that delete, close or reconfigure what they serve when written to (POST/PUT):
    /// the path says it, not the method (Elasticsearch/OpenSearch, Prometheus's TSDB admin API, Meilisearch, Algolia).
    /// </summary>
    private static readonly (string Prefix, string Fragment, OperationClass Class, string Reason)[] DataServiceWrites =
    [
        ("/api/v1/admin/tsdb/", "/delete_series", OperationClass.Delete, "deletes time series from Prometheus's storage"),
        ("/api/v1/admin/tsdb/", "/clean_tombstones", OperationClass.Delete, "purges deleted time series from disk for good"),
        ("/", "/_close", OperationClass.Update, "closes indices: they stop serving reads and writes"),
        ("/_cluster/", "/settings", OperationClass.Update, "changes cluster-wide settings"),
        ("/", "/_settings", OperationClass.Update, "changes index settings"),
        ("/", "/_forcemerge", OperationClass.Update, "force-merges index segments, expunging deleted documents"),
        ("/indexes/", "/documents/delete-batch", OperationClass.Delete, "deletes documents from an index"),
        ("/indexes/", "/documents/delete", OperationClass.Delete, "deletes the documents a filter matches"),
        ("/1/indexes/", "/deletebyquery", OperationClass.Delete, "deletes every record its query matches"),
        ("/1/indexes/", "/clear", OperationClass.Destroy, "deletes every record of an index"),
        ("/api/v2/", "/delete", OperationClass.Delete, "deletes points from an InfluxDB bucket"),
    ];

    private static (OperationClass, string)? DataServiceWrite(string path)
    {
        foreach (var (prefix, fragment, cls, reason) in DataServiceWrites)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int at = path.IndexOf(fragment, prefix.Length - 1, StringComparison.Ordinal);
            // The fragment ends a path segment (`/_close`, not `/_closed-orders`).
            if (at >= 0 && (at + fragment.Length == path.Length || path[at + fragment.Length] == '/')) return (cls, reason);
        }
        return null;
    }

    // Query parameters admin APIs read the action from (Solr cores/collections ?action=, WebHDFS-style ?op=, ?cmd=).
    private static readonly string[] ActionKeys = ["action", "op", "operation", "cmd", "command", "do", "task", "verb"];

    // Actions that lose data, and actions that take a service or its data out of use (by prefix: DELETEREPLICA, drop_index).
    private static readonly string[] DeletingActions = ["delete", "drop", "remove", "purge", "truncate", "destroy", "wipe", "erase", "clear", "flush", "rmdir", "del"];
    private static readonly string[] StoppingActions = ["unload", "undeploy", "stop", "shutdown", "kill", "reset", "restart", "disable", "deregister", "unregister", "leave", "evict", "rename", "swap", "move", "merge", "split", "restore", "rollback", "reload", "expire", "force"];

    // Actions that only look: the rest of an admin API's actions change something.
    private static readonly string[] ReadingActions = ["status", "list", "get", "show", "describe", "info", "stat", "health", "ping", "query", "search", "read", "open", "view", "help", "version", "check", "find", "lookup", "explain", "count", "metrics", "parse", "raw", "render", "browse", "history", "overseerstatus", "clusterstatus", "requeststatus", "colstatus"];

    /// <summary>
    /// A GET that acts: admin APIs that take the action in the query string (Solr's <c>cores?action=UNLOAD&amp;deleteIndex=true</c>,
    /// <c>collections?action=DELETE</c>, <c>update?stream.body=&lt;delete&gt;…</c>) or the path (Tomcat's <c>/manager/text/undeploy</c>).
    /// A flag that deletes data (<c>deleteIndex=true</c>, <c>purge=1</c>) makes it destroy; an action that is not a read on an admin
    /// path changes the service. Query words and <c>curl -G -d</c> data are both read as parameters.
    /// </summary>
    private static (OperationClass, string)? GetAction(string path, string query, string data)
    {
        (OperationClass, string)? found = null;
        bool admin = path.Contains("/admin", StringComparison.Ordinal) || path.Contains("/manager/", StringComparison.Ordinal) || path.Contains("/management/", StringComparison.Ordinal);
        bool deletesData = false;
        foreach (var part in (query + "&" + data).Split(['&', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = DecodeQuery(eq < 0 ? part : part[..eq]).ToLowerInvariant();
            var value = DecodeQuery(eq < 0 ? "" : part[(eq + 1)..]).ToLowerInvariant();
            if (key == "stream.body")
            {
                bool delete = value.Contains("delete", StringComparison.Ordinal);
                bool all = value.Contains("*:*", StringComparison.Ordinal);
                found = delete ? (all ? OperationClass.Destroy : OperationClass.Delete, all ? "deletes every document of the index in a GET's stream.body" : "deletes documents in a GET's stream.body")
                    : found ?? (OperationClass.Update, "changes the index through a GET's stream.body");
                deletesData |= delete && all;
                continue;
            }
            if (StartsWithAny(key, DeletingActions) && value is "true" or "1" or "yes" or "on") deletesData = true;
            if (Array.IndexOf(ActionKeys, key) < 0 || value.Length == 0) continue;
            if (StartsWithAny(value, DeletingActions)) found = (OperationClass.Delete, "deletes through the action in a GET's query string (" + key + "=" + value + ")");
            else if (found is null && StartsWithAny(value, StoppingActions)) found = (OperationClass.Update, "takes a service or its data out of use through a GET's query string (" + key + "=" + value + ")");
            else if (found is null && admin && !StartsWithAny(value, ReadingActions) && !value.EndsWith("status", StringComparison.Ordinal))
                found = (OperationClass.Update, "runs an admin action through a GET's query string (" + key + "=" + value + ")");
        }
        // The path names the action: /manager/text/undeploy, /admin/delete.
        if (found is null && admin)
        {
            var last = path.TrimEnd('/');
            last = last[(last.LastIndexOf('/') + 1)..];
            if (StartsWithAny(last, DeletingActions)) found = (OperationClass.Delete, "deletes through an admin path a GET names (" + last + ")");
            else if (StartsWithAny(last, StoppingActions)) found = (OperationClass.Update, "takes a service out of use through an admin path a GET names (" + last + ")");
        }
        if (found is { } f && deletesData && f.Item1 != OperationClass.Read)
            return (OperationClass.Destroy, f.Item2 + ", deleting its data on disk");
        return found;

        static bool StartsWithAny(string text, string[] words)
        {
            foreach (var w in words)
                if (text.StartsWith(w, StringComparison.Ordinal) && (w.Length > 3 || text.Length == w.Length)) return true;
            return false;
        }

    }

    /// <summary>Paths only the Kubernetes API serves: <c>/apis/GROUP/…</c> and the core group's cluster objects.</summary>
    private static bool IsKubernetesApiPath(string path) =>
        path.StartsWith("/apis/", StringComparison.Ordinal) || path.StartsWith("/api/v1/namespaces", StringComparison.Ordinal)
        || path.StartsWith("/api/v1/nodes", StringComparison.Ordinal) || path.StartsWith("/api/v1/persistentvolumes", StringComparison.Ordinal);
}
