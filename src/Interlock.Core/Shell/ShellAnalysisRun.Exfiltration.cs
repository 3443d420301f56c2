using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// Ways data leaves besides an HTTP request body: files uploaded by platform CLIs, directories served to the
// network, and text hidden in the names a DNS lookup sends.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// <c>gh gist create FILE…</c>, <c>gh issue|pr create|comment --body-file FILE</c>, <c>gh release create|upload TAG FILE…</c>:
    /// each file is read and its content published; a credential among them is a secret leaving.
    /// </summary>
    internal StreamSource? PlatformUpload(SemanticsCall c)
    {
        var op = c.Op;
        var verb = op.Verb ?? "";
        var files = new List<ShellArg>();
        if (verb.StartsWith("issue ", StringComparison.Ordinal) || verb.StartsWith("pr ", StringComparison.Ordinal) || verb.StartsWith("mr ", StringComparison.Ordinal))
            files.AddRange(c.Inv.OptionValues("--body-file|-F"));
        else if (verb is "gist create") files.AddRange(c.Operands);
        else if (verb is "gist edit") files.AddRange(c.Inv.OptionValues("-a|--add"));
        else if (verb is "release create" or "release upload") files.AddRange(c.Operands.Skip(1));
        if (files.Count == 0) return null;
        bool secret = false;
        var read = NewDraft(op.Program, verb, OperationClass.Read, "reads files to publish them", c.Ctx);
        read.PathTargets = true;
        read.ReadsContent = true;
        foreach (var f in files)
        {
            if (f.Text == "-") { secret |= StdinIsSecret(c.Ctx); continue; }
            // `release upload TAG 'file#label'`: the label is not part of the path.
            var text = verb.StartsWith("release", StringComparison.Ordinal) && f.Text.IndexOf('#', StringComparison.Ordinal) is > 0 and var hash ? f.Text[..hash] : f.Text;
            var path = ResolvePath(f with { Text = text }, c.Ctx);
            read.Targets.Add(path);
            secret |= CredentialIn(path) is not null;
        }
        Emit(read);
        if (secret) EmitEgress(op.Program, verb, op.Program == "glab" ? "gitlab.com" : "github.com", "publishes files", c.Ctx, secretPayload: true);
        return null;
    }

    /// <summary>
    /// A static file server (<c>python3 -m http.server</c>, <c>php -S</c>, <c>ruby -run -e httpd</c>) hands every file below
    /// its directory to whoever connects: a read of the whole directory. Serving the workspace is development; serving
    /// anything else (home, /) needs a human, and a directory holding credentials is a credential read.
    /// </summary>
    private bool ServeDirectory(SemanticsCall c)
    {
        var program = c.Op.Program;
        var args = c.Inv.Args;
        int rest = -1;
        string? dir = null, bind = null;
        for (int i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (program.StartsWith("py", StringComparison.Ordinal) && t == "-m" && i + 1 < args.Count && args[i + 1].Text is "http.server" or "SimpleHTTPServer" or "uploadserver" or "RangeHTTPServer")
            { rest = i + 2; break; }
            if (program == "php" && t == "-S" && i + 1 < args.Count) { bind = args[i + 1].Text; rest = i + 2; break; }
            if (program == "php" && t.StartsWith("-S", StringComparison.Ordinal) && t.Length > 2) { bind = t[2..]; rest = i + 1; break; }
            if (program == "ruby" && t == "httpd" && i > 0 && args[i - 1].Text == "-e" && args.Any(a => a.Text is "-run" or "un")) { rest = i + 1; break; }
        }
        if (rest < 0) return false;
        for (int i = rest; i < args.Count; i++)
        {
            var t = args[i].Text;
            string? Next() => i + 1 < args.Count ? args[++i].Text : null;
            if (t is "-d" or "--directory" or "-t" or "--docroot") dir = Next();
            else if (t.StartsWith("--directory=", StringComparison.Ordinal)) dir = t["--directory=".Length..];
            else if (t is "-b" or "--bind" or "--bind-address") bind = Next();
            else if (t.StartsWith("--bind=", StringComparison.Ordinal) || t.StartsWith("--bind-address=", StringComparison.Ordinal)) bind = t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..];
            else if (t is "-p" or "--port" or "--protocol") Next();
            else if (program == "ruby" && !t.StartsWith('-')) dir = t;
        }
        var path = ResolvePath(ShellArg.Static(dir ?? "."), c.Ctx);
        var host = bind is null ? "0.0.0.0" : Hosts.Of(bind);
        bool local = bind is not null && Hosts.IsLocal(host) && host != "0.0.0.0";
        var read = NewDraft(program, "serve", OperationClass.Read, "serves every file below a directory over HTTP", c.Ctx);
        read.PathTargets = true;
        read.ReadsContent = true;
        read.Tags.Add("recursive");
        read.Targets.Add(path);
        Emit(read);
        var serve = NewDraft(program, "serve", OperationClass.Exec, $"serves {path} over HTTP on {(local ? host : "every network interface")}", c.Ctx);
        serve.Tags.Add(local ? "local" : "network");
        serve.Tags.Add("serves-network");
        serve.Targets.Add(path);
        serve.PathTargets = true;
        var location = PathLocations.Classify(path, Workspace, Home);
        if (location is not (Location.WorkspaceRoot or Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.Temp))
        {
            serve.MinTier = Tier.WriteWithConfirmation;
            serve.Shared = !local;
            serve.Reason = $"serves {path}, outside the workspace, over HTTP";
        }
        else if (!local && (bind is not null || location == Location.WorkspaceRoot))
        {
            // The whole workspace (its .env, its .git) or an address asked for on purpose, on every interface: the
            // files are offered to other machines, not previewed locally.
            serve.MinTier = Tier.WriteWithConfirmation;
            serve.Shared = true;
            serve.Reason = $"serves {path} over HTTP to other machines ({(bind is null ? "every interface" : bind)})";
        }
        Emit(serve);
        return true;
    }

    /// <summary>
    /// Name lookups (<c>dig</c>, <c>nslookup</c>, <c>host</c>, <c>ping</c>): the name goes to DNS servers, so text a command
    /// computed inside it (<c>$(whoami).attacker.example</c>) is data sent out; secrets in it are exfiltration.
    /// </summary>
    internal StreamSource? NameLookup(SemanticsCall c)
    {
        var op = c.Op;
        bool secret = ArgsCarrySecret(c.Inv) || (c.Ctx.Referenced is { } refs && refs.Any(CredentialPaths.IsSecretName));
        // A computed word with no variable behind it came from a command's output.
        bool computed = c.Inv.Args.Any(p => p.Dynamic) && (c.Ctx.Referenced is null || c.Ctx.Referenced.Count == 0);
        if (!secret && !computed) return null;
        var name = c.Inv.Args.FirstOrDefault(p => p.Dynamic).Text ?? "";
        int dot = name.LastIndexOf(ShellArg.Unknown);
        var domain = dot >= 0 && dot + 1 < name.Length ? name[(dot + 1)..].TrimStart('.') : name;
        op.Suppressed = true;
        var e = NewDraft(op.Program, "lookup", OperationClass.Egress, $"sends text computed at run time to DNS servers inside a name ({ShellArg.DisplayText(name)})", c.Ctx);
        e.Targets.Add(domain);
        e.Shared = true;
        e.MinTier = Tier.WriteWithConfirmation;
        e.Tags.Add("network");
        if (secret)
        {
            e.Tags.Add("secret-exfiltration");
            e.Irreversible = true;
            e.Reason = "sends secrets or the environment to DNS servers inside a name";
        }
        Emit(e);
        return StreamSource.Unknown;
    }
}
