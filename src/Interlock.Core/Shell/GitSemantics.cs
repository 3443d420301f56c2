using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// git: which repository it acts on, the programs its settings make it run, and where its pushes go.
internal sealed partial class ShellAnalysisRun
{
    private static readonly string[] ProtectedBranches = ["main", "master", "trunk", "develop", "production", "prod", "release", "release/*", "release-*", "stable", "live", "gh-pages"];

    private string? _gitOutside;

    /// <summary>Remotes this command line pointed somewhere (<c>git remote add</c>, <c>remote.X.url</c>): name to URL.</summary>
    private Dictionary<string, string>? _gitRemoteUrls;

    /// <summary>The program-level git handler: settings from the environment and <c>-c</c>, then subcommands that run commands.</summary>
    internal StreamSource? GitConfig(SemanticsCall c)
    {
        _gitOutside = null;
        _gitForeign = null;
        var inv = c.Inv;
        var sub = inv.Positionals.Count > 0 ? inv.Positionals[0].Text : "";
        GitEnvironmentSettings(sub, c.Ctx);
        foreach (var (name, value) in inv.Options)
        {
            if (value is not { } v) continue;
            if (name is "-C" or "--git-dir" or "--work-tree") GitRepositoryPath(v, c.Ctx, repository: name != "--work-tree");
            else if (name == "-c") GitSettingAssignment(v, sub, persisted: false, c.Ctx);
            else if (name == "--config-env") GitConfigEnv(v, sub, c.Ctx);
            else if (name is "--exec-path" && v.Text.Length > 0) GitUnseen("--exec-path", "runs git's own subcommands from " + v.Display + ", whose code is not visible here", c.Ctx);
            else if (name is "--template") GitSetting(GitSettingKind.HooksDirectory, "--template", v, sub, persisted: false, c.Ctx);
            else if (name is "--receive-pack") GitSettingCode("--receive-pack", v, persisted: false, c.Ctx);
            else if (name is "--upload-pack" or "--exec" && sub is not "rebase") GitSettingCode(name, v, persisted: false, c.Ctx);
            else if (name is "--config" && sub is "clone") GitSettingAssignment(v, sub, persisted: true, c.Ctx);
        }
        GitCommandOptions(inv, sub, c.Ctx);
        if (sub is "clone" or "init") GitNoteCreated(inv, sub, c.Ctx);
        else if (_gitForeign is not null && sub is not ("" or "version" or "help"))
            GitUnseen("repository", $"acts on the repository at {_gitForeign}, outside the workspace: its settings and hooks, which run programs, are not visible here", c.Ctx);

        // `git rebase --exec/-x CMD` and `git bisect run CMD…` run shell commands.
        if (sub == "rebase")
        {
            var args = inv.Args;
            for (int i = 0; i + 1 < args.Count; i++)
            {
                if (args[i].Text is "-x" or "--exec") RunString(args[i + 1].Text, c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
                else if (args[i].Text.StartsWith("--exec=", StringComparison.Ordinal)) RunString(args[i].Text["--exec=".Length..], c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
            }
        }
        else if (sub == "bisect" && inv.Positionals.Count > 2 && inv.Positionals[1].Text == "run")
        {
            Dispatch(inv.Args.Skip(inv.PositionalIndexes[2]).ToList(), c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
        }
        else if (sub == "config") GitConfigWrite(inv, c.Ctx);
        else if (sub == "remote") GitRemoteWrite(inv, c.Ctx);
        else if (sub == "clone") GitCloneDestination(inv, c.Ctx);
        return null;
    }

    /// <summary><c>git clone URL [DIR]</c> fills DIR (or the URL's last name) with files nobody reviewed: running one later is running written code.</summary>
    private void GitCloneDestination(Invocation inv, CallContext ctx)
    {
        var p = inv.Positionals;
        if (p.Count < 2) return;
        ShellArg dir;
        if (p.Count >= 3) dir = p[2];
        else
        {
            var url = p[1].Text.TrimEnd('/');
            var name = url[(Math.Max(url.LastIndexOf('/'), url.LastIndexOf(':')) + 1)..];
            if (name.EndsWith(".git", StringComparison.Ordinal)) name = name[..^4];
            dir = p[1].Dynamic || name.Length == 0 ? ShellArg.Static(ShellArg.Unknown.ToString()) : ShellArg.Static(name);
        }
        var d = NewDraft("git", "clone", OperationClass.Create, "clones a repository into a directory", ctx);
        d.PathTargets = true;
        d.Targets.Add(ResolvePath(dir, ctx));
        Emit(d);
    }

    private void GitRepositoryPath(ShellArg dir, CallContext ctx, bool repository = false)
    {
        var path = ResolvePath(dir, ctx);
        var loc = PathLocations.Classify(path, Workspace, Home);
        // Another repository: its work-destroying commands count as outside the workspace.
        if (loc is not (Location.WorkspaceRoot or Location.WorkspaceContent or Location.WorkspaceGit or Location.Temp or Location.WorkspaceRegenerable))
            _gitOutside = path;
        // The repository git reads its configuration and hooks from (-C, --git-dir, GIT_DIR): one outside the workspace
        // that this command line did not clone or init brings settings and hooks of unknown origin, which run programs.
        if (repository && (dir.Dynamic || loc is not (Location.WorkspaceRoot or Location.WorkspaceContent or Location.WorkspaceGit or Location.WorkspaceRegenerable))
            && !(_gitCreated?.Exists(created => path == created || PathResolver.IsUnder(path, created)) ?? false))
            _gitForeign = dir.Display;
    }

    /// <summary>Repositories this command line cloned or initialized: their configuration and hooks are git's own.</summary>
    private List<string>? _gitCreated;

    private string? _gitForeign;

    /// <summary><c>git clone URL [DIR]</c>, <c>git init [DIR]</c>: the repository they make.</summary>
    private void GitNoteCreated(Invocation inv, string sub, CallContext ctx)
    {
        var p = inv.Positionals;
        ShellArg? dir = sub == "init" ? (p.Count > 1 ? p[1] : ShellArg.Static(".")) : p.Count > 2 ? p[2] : null;
        if (sub == "clone" && dir is null && p.Count > 1 && !p[1].Dynamic)
        {
            var name = p[1].Text.TrimEnd('/');
            name = name[(Math.Max(name.LastIndexOf('/'), name.LastIndexOf(':')) + 1)..];
            if (name.EndsWith(".git", StringComparison.Ordinal)) name = name[..^4];
            if (name.Length > 0) dir = ShellArg.Static(name);
        }
        if (dir is { Dynamic: false } d) (_gitCreated ??= []).Add(ResolvePath(d, ctx));
    }

    /// <summary>Variables git reads a program, a config file or a repository from: set for this command or earlier on the line.</summary>
    private void GitEnvironmentSettings(string sub, CallContext ctx)
    {
        foreach (var name in GitSettings.VariableNames)
        {
            if (GitVariable(name, ctx) is not { } value) continue;
            GitSetting(GitSettings.OfVariable(name), name, value, sub, persisted: false, ctx);
        }
        // GIT_CONFIG_COUNT with GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n is `-c KEY=VALUE` n times.
        if (GitVariable("GIT_CONFIG_COUNT", ctx) is { } count)
        {
            if (count.Dynamic || !int.TryParse(count.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 64)
                GitUnseen("GIT_CONFIG_COUNT", "passes git settings through GIT_CONFIG_* variables that are not all visible here", ctx);
            else
            {
                for (int i = 0; i < n; i++)
                {
                    var key = GitVariable("GIT_CONFIG_KEY_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), ctx);
                    var value = GitVariable("GIT_CONFIG_VALUE_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), ctx) ?? ShellArg.Static("");
                    if (key is not { } k || k.Dynamic) { GitUnseen("GIT_CONFIG_KEY_" + i, "passes a git setting whose name is not visible here", ctx); continue; }
                    GitSetting(GitSettings.OfKey(k.Text), k.Text, value, sub, persisted: false, ctx);
                }
            }
        }
        // GIT_CONFIG_PARAMETERS: what `git -c` hands its children, as shell-quoted 'key=value' words.
        if (GitVariable("GIT_CONFIG_PARAMETERS", ctx) is { } parameters)
        {
            var parsed = Parse("x " + parameters.Text);
            var words = new List<ShellArg>();
            if (!parameters.Dynamic && parsed.Error is null && parsed.Script.Items.Count == 1 && parsed.Script.Items[0].Pipelines is [{ Commands: [SimpleCommand simple] }])
                _expander.ExpandAll(simple.Words, ctx.Vars, words);
            else GitUnseen("GIT_CONFIG_PARAMETERS", "passes git settings through GIT_CONFIG_PARAMETERS in a form not read here", ctx);
            foreach (var w in words.Skip(1)) GitSettingAssignment(w, sub, persisted: false, ctx);
        }
    }

    /// <summary>A variable's value for this command: set on it (<c>X=1 git …</c>, <c>env X=1 git …</c>) or earlier on the line.</summary>
    private static ShellArg? GitVariable(string name, CallContext ctx)
    {
        if (CommandEnvironment.Get(ctx.Env, name) is { } v) return v;
        if (ctx.Vars.TryGet(name, out var known) && name is not ("HOME" or "PWD" or "IFS" or "SHELL" or "USER")) return ShellArg.Static(known!);
        return ctx.Vars.IsAssigned(name) ? new ShellArg(ShellArg.Unknown.ToString(), true, false) : null;
    }

    private void GitSettingAssignment(ShellArg kv, string sub, bool persisted, CallContext ctx)
    {
        var text = kv.Text;
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        // `-c key` alone sets a boolean true.
        var key = eq < 0 ? text : text[..eq];
        var value = kv with { Text = eq < 0 ? "true" : text[(eq + 1)..] };
        if (key.Contains(ShellArg.Unknown))
        {
            GitUnseen("-c", "sets a git setting whose name is only known at run time", ctx);
            return;
        }
        GitSetting(GitSettings.OfKey(key), key, value, sub, persisted, ctx);
    }

    /// <summary><c>--config-env=KEY=VAR</c>: the setting's value is the variable's.</summary>
    private void GitConfigEnv(ShellArg spec, string sub, CallContext ctx)
    {
        int eq = spec.Text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) return;
        var key = spec.Text[..eq];
        var value = GitVariable(spec.Text[(eq + 1)..], ctx) ?? new ShellArg(ShellArg.Unknown.ToString(), true, false);
        GitSetting(GitSettings.OfKey(key), key, value, sub, persisted: false, ctx);
    }

    /// <summary>What one setting makes git do: run its value, read hooks or config from a path, or send pushes somewhere.</summary>
    private void GitSetting(GitSettingKind kind, string key, ShellArg value, string sub, bool persisted, CallContext ctx)
    {
        var text = value.Text;
        switch (kind)
        {
            case GitSettingKind.Command or GitSettingKind.CommandOrBoolean or GitSettingKind.BangCommand or GitSettingKind.SequenceEditor:
                if (kind == GitSettingKind.CommandOrBoolean && GitSettings.IsBoolean(text)) return;
                if (kind == GitSettingKind.BangCommand && !text.StartsWith('!')) return;
                if (text.Length == 0) return;
                GitSettingCode(key, value with { Text = text.TrimStart('!') }, persisted, ctx);
                // A program editing the rebase plan decides which commits survive, and nobody sees the plan it wrote
                // (`sed -i s/^pick/drop/`); `:` keeps the plan as git wrote it (autosquash).
                if (kind == GitSettingKind.SequenceEditor && sub == "rebase" && (value.Dynamic || !KeepsEveryCommit(text)))
                {
                    var plan = NewDraft("git", "rebase", OperationClass.HistoryRewrite, $"edits the rebase plan with {value.Display}, which can drop or rewrite commits unseen", ctx);
                    plan.Irreversible = true;
                    Emit(plan);
                }
                return;
            case GitSettingKind.CredentialHelper:
                GitCredentialHelper(key, value, persisted, ctx);
                return;
            case GitSettingKind.HooksDirectory or GitSettingKind.ConfigFile or GitSettingKind.ExecPath:
                if (text is "" or "/dev/null") return;
                GitUnseen(key, kind switch
                {
                    GitSettingKind.HooksDirectory => $"makes git run hooks from {value.Display}, whose code is not visible here",
                    GitSettingKind.ConfigFile => $"makes git read settings from {value.Display}, which can run programs and are not visible here",
                    _ => $"runs git's own subcommands from {value.Display}, whose code is not visible here",
                }, ctx);
                return;
            case GitSettingKind.RepositoryPath:
                GitRepositoryPath(value, ctx, repository: key == "GIT_DIR");
                return;
            case GitSettingKind.RemoteUrl or GitSettingKind.PushUrl:
            {
                var remote = GitSettings.Subsection(key) ?? "";
                bool rewrite = key.StartsWith("url.", StringComparison.OrdinalIgnoreCase);
                // url.BASE.pushInsteadOf=PREFIX sends pushes for PREFIX to BASE.
                var url = rewrite ? remote : text;
                if (url.StartsWith("ext::", StringComparison.Ordinal)) GitExtTransport(url, ctx);
                if (!rewrite) (_gitRemoteUrls ??= new(StringComparer.Ordinal))[remote] = url;
                if (kind == GitSettingKind.PushUrl && (persisted || sub == "push"))
                    GitPushRedirect(key, url, persisted ? "makes later pushes go to " : "pushes to ", ctx);
                return;
            }
            case GitSettingKind.UrlRewrite:
            {
                var url = GitSettings.Subsection(key) ?? "";
                if (url.StartsWith("ext::", StringComparison.Ordinal)) GitExtTransport(url, ctx);
                else if (persisted || sub == "push") GitPushRedirect(key, url, persisted ? "rewrites later fetches and pushes to " : "rewrites pushes to ", ctx);
                return;
            }
            case GitSettingKind.PushRefspec:
            {
                var refspec = text.Trim();
                if (refspec.StartsWith('+'))
                    GitPushHazard(key, OperationClass.HistoryRewrite, "makes pushes force-push over the remote's history (" + refspec + ")", Tier.Never, ctx);
                else if (refspec.StartsWith(':'))
                    GitPushHazard(key, OperationClass.Destroy, "makes pushes delete a branch or tag on the remote (" + refspec + ")", Tier.Never, ctx);
                else if (refspec.Contains('*', StringComparison.Ordinal) || ProtectedBranches.Any(p => Wildcard.Match(p, GitRefspecDestination(refspec))))
                    GitPushHazard(key, OperationClass.Update, "makes pushes update every branch, or a protected one (" + refspec + ")", Tier.WriteWithConfirmation, ctx);
                return;
            }
            case GitSettingKind.PushMirror:
                if (text.ToLowerInvariant() is "true" or "yes" or "on" or "1")
                    GitPushHazard(key, OperationClass.HistoryRewrite, "makes pushes mirror every ref, deleting and overwriting the remote's branches", Tier.Never, ctx);
                return;
            case GitSettingKind.PushDefault:
                // `matching` pushes every local branch whose name the remote has, protected ones included.
                if (value.Dynamic || text.Trim().ToLowerInvariant() is "matching")
                    GitPushHazard(key, OperationClass.Update, "makes a plain push send every matching branch, protected ones included", Tier.WriteWithConfirmation, ctx);
                return;
            case GitSettingKind.ProtocolAllow:
                if (text.Contains("always", StringComparison.OrdinalIgnoreCase) || text.Contains("ext", StringComparison.OrdinalIgnoreCase) || value.Dynamic)
                    GitUnseen(key, "allows ext:: remote URLs, which run commands", ctx);
                return;
        }
    }

    private static string GitRefspecDestination(string refspec)
    {
        var dst = refspec.TrimStart('+');
        int colon = dst.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) dst = dst[(colon + 1)..];
        return dst.StartsWith("refs/heads/", StringComparison.Ordinal) ? dst["refs/heads/".Length..] : dst;
    }

    /// <summary>
    /// A command git runs from a setting: analyzed as a command; a program whose code is not visible (a script by path,
    /// an unknown program, a value computed at run time) needs a human. Saved in git's configuration it runs again on
    /// later git commands, the user's too: that needs a human whatever it is.
    /// </summary>
    private void GitSettingCode(string key, ShellArg value, bool persisted, CallContext ctx)
    {
        int ops = Operations.Count, gaps = Gaps.Count;
        if (!value.Dynamic && value.ProcessSource is StreamKind.None)
            RunString(value.Text, ctx with { Nesting = ctx.Nesting + 1, ExtraTag = "git-config-command", Stdin = StreamSource.None });
        bool unseen = value.Dynamic || value.ProcessSource is not StreamKind.None || Gaps.Count > gaps;
        string? writes = null;
        for (int i = ops; i < Operations.Count && !unseen; i++)
        {
            var op = Operations[i];
            unseen = op.Tags.Contains("local-script") || op.Tags.Contains("unknown-program") || op.Tags.Contains("dynamic-command");
            // A pager, editor, filter or textconv works on what git hands it; a file the setting itself names is a side
            // effect hidden in a git setting, run from the work tree's top, once per page or file, when git decides.
            if (op.Class is OperationClass.Create or OperationClass.Update or OperationClass.Delete or OperationClass.Destroy or OperationClass.HistoryRewrite
                && op.PathTargets && op.Targets.FirstOrDefault(t => !t.StartsWith("/dev/", StringComparison.Ordinal)) is { } target)
                writes ??= target;
        }
        if (unseen) GitUnseen(key, $"makes git run {value.Display} ({key}), a program whose code is not visible here", ctx);
        else if (writes is not null) GitUnseen(key, $"makes git run {value.Display} ({key}), which writes {ShellArg.DisplayText(writes)} as a side effect of git's own work", ctx);
        if (persisted) GitUnseen(key, $"saves {key} in git's configuration: later git commands run {value.Display}", ctx);
    }

    /// <summary>credential.helper: <c>!cmd</c> or a path runs that; a name runs git-credential-NAME; <c>store</c> writes credentials in plain text.</summary>
    private void GitCredentialHelper(string key, ShellArg value, bool persisted, CallContext ctx)
    {
        var text = value.Text.Trim();
        if (text.Length == 0) return; // an empty helper clears the list
        if (text.StartsWith('!') || text.StartsWith('/') || text.StartsWith('.') || value.Dynamic)
        {
            GitSettingCode(key, value with { Text = text.TrimStart('!') }, persisted, ctx);
            return;
        }
        var name = text.Split(' ', 2)[0];
        if (name == "store")
        {
            var store = NewDraft("git", key, OperationClass.Update, "stores git credentials in plain text (credential-store)", ctx);
            store.Tags.Add("secret");
            store.MinTier = Tier.WriteWithConfirmation;
            Emit(store);
        }
        else if (!GitSettings.IsKeychainHelper(name))
        {
            GitUnseen(key, $"hands git credentials to git-credential-{name}, a helper whose code is not visible here", ctx);
        }
        if (persisted) GitUnseen(key, $"saves {key} in git's configuration: later git commands hand credentials to {value.Display}", ctx);
    }

    /// <summary><c>ext::CMD ARGS</c>: git runs CMD with ARGS (no shell); <c>%&#32;</c> is a space inside an argument, <c>%%</c> a percent sign.</summary>
    private void GitExtTransport(string url, CallContext ctx)
    {
        var words = new List<ShellArg>();
        var sb = new System.Text.StringBuilder();
        var spec = url["ext::".Length..];
        for (int i = 0; i < spec.Length; i++)
        {
            char ch = spec[i];
            if (ch == '%' && i + 1 < spec.Length)
            {
                char next = spec[++i];
                sb.Append(next switch { ' ' => " ", '%' => "%", 's' or 'S' => "git-upload-pack", 'G' or 'V' => "", _ => "%" + next });
            }
            else if (ch == ' ')
            {
                if (sb.Length > 0) words.Add(ShellArg.Static(sb.ToString()));
                sb.Clear();
            }
            else sb.Append(ch);
        }
        if (sb.Length > 0) words.Add(ShellArg.Static(sb.ToString()));
        if (words.Count == 0) return;
        GitUnseen("ext::", "fetches or pushes through an ext:: URL, which runs a command", ctx);
        Dispatch(words, ctx with { Nesting = ctx.Nesting + 1, ExtraTag = "git-config-command", Stdin = StreamSource.None });
    }

    /// <summary>An operation whose effect is not visible here: a human decides.</summary>
    private void GitUnseen(string key, string reason, CallContext ctx)
    {
        var d = NewDraft("git", key, OperationClass.Exec, reason, ctx);
        d.MinTier = Tier.WriteWithConfirmation;
        d.Tags.Add("git-config-command");
        Emit(d);
    }

    private void GitPushHazard(string key, OperationClass cls, string reason, Tier tier, CallContext ctx)
    {
        var d = NewDraft("git", key, cls, reason, ctx);
        d.Shared = true;
        d.Irreversible = cls != OperationClass.Update;
        d.MinTier = tier;
        d.Tags.Add("push-config");
        if (cls == OperationClass.HistoryRewrite) d.Tags.Add("force-push");
        Emit(d);
    }

    private void GitPushRedirect(string key, string url, string reason, CallContext ctx)
    {
        var d = NewDraft("git", key, OperationClass.Egress, reason + url, ctx);
        d.Shared = true;
        d.MinTier = Tier.WriteWithConfirmation;
        d.Targets.Add(Hosts.Of(url));
        d.Tags.Add("network");
        Emit(d);
    }

    /// <summary>Subcommand options that name a program (<c>clone -u</c>, <c>--upload-pack</c>) and <c>ext::</c> URLs among the operands.</summary>
    private void GitCommandOptions(Invocation inv, string sub, CallContext ctx)
    {
        var args = inv.Args;
        for (int i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t.StartsWith("ext::", StringComparison.Ordinal)) { GitExtTransport(t, ctx); continue; }
            // Options git reads a value for that the table does not (`-u` is --set-upstream on push).
            if (t is "--upload-pack" && i + 1 < args.Count) GitSettingCode(t, args[++i], persisted: false, ctx);
            else if (sub is "clone" && t is "-u" && i + 1 < args.Count) GitSettingCode("clone -u", args[++i], persisted: false, ctx);
            else if (sub is "clone" && t is "--config" && i + 1 < args.Count) GitSettingAssignment(args[++i], sub, persisted: true, ctx);
        }
    }

    private static readonly string[] GitConfigValueOptions = ["-f", "--file", "--blob", "--type", "--default", "--comment", "--value"];

    /// <summary><c>git config [--global|--local|--file F] KEY VALUE</c>, <c>git config set KEY VALUE</c>: a saved setting.</summary>
    private void GitConfigWrite(Invocation inv, CallContext ctx)
    {
        var args = inv.Args;
        int start = inv.PositionalIndexes[0] + 1;
        var operands = new List<ShellArg>();
        bool writes = true;
        for (int i = start; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t.Length > 1 && t[0] == '-')
            {
                if (Array.IndexOf(GitConfigValueOptions, t) >= 0) { i++; continue; }
                if (t is "--get" or "--get-all" or "--get-regexp" or "--get-urlmatch" or "-l" or "--list" or "--unset" or "--unset-all" or "--remove-section"
                    or "--rename-section" or "-e" or "--edit" or "--get-color" or "--get-colorbool" or "--blob") writes = false;
                continue;
            }
            operands.Add(args[i]);
        }
        if (operands.Count > 0 && operands[0].Text is "set") operands.RemoveAt(0);
        else if (operands.Count > 0 && operands[0].Text is "get" or "list" or "unset" or "edit" or "rename-section" or "remove-section" or "get-color" or "get-colorbool") writes = false;
        if (!writes || operands.Count < 2) return;
        var key = operands[0].Text;
        if (key.Contains(ShellArg.Unknown)) { GitUnseen("config", "saves a git setting whose name is only known at run time", ctx); return; }
        GitSetting(GitSettings.OfKey(key), key, operands[1], "config", persisted: true, ctx);
    }

    /// <summary><c>git remote add NAME URL</c>, <c>git remote set-url [--push] NAME URL</c>: where later pushes to NAME go.</summary>
    private void GitRemoteWrite(Invocation inv, CallContext ctx)
    {
        var p = inv.Positionals;
        if (p.Count < 4 || p[1].Text is not ("add" or "set-url")) return;
        var name = p[2].Text;
        var url = p[3].Text;
        if (url.StartsWith("ext::", StringComparison.Ordinal)) return; // analyzed with the operands
        (_gitRemoteUrls ??= new(StringComparer.Ordinal))[name] = url;
        if (p[1].Text == "set-url" && inv.HasFlag("--push")) GitPushRedirect("remote set-url --push", url, "makes later pushes to " + name + " go to ", ctx);
    }

    private void ApplyGitOutside(OperationDraft op)
    {
        if (_gitOutside is null) return;
        if (op.Class is OperationClass.HistoryRewrite or OperationClass.Delete or OperationClass.Destroy)
        {
            op.PathTargets = true;
            op.Targets.Clear();
            op.Targets.Add(_gitOutside);
        }
    }

    internal StreamSource? GitPush(SemanticsCall c)
    {
        var op = c.Op;
        ApplyGitOutside(op);
        var operands = c.Operands.ToList();
        op.Targets.Clear();
        if (c.Inv.HasAnyFlag("-n|--dry-run"))
        {
            op.Class = OperationClass.Read;
            op.Reason = "previews a push";
            op.MinTier = null;
            op.Shared = false;
            return null;
        }
        bool lease = c.Inv.HasAnyFlag("--force-with-lease|--force-if-includes");
        // --all pushes every branch, the protected ones too.
        bool protectedRef = c.Inv.HasAnyFlag("--all|--branches");
        // Without a refspec (or with HEAD) the branch pushed is the current one, not visible here.
        bool unnamedBranch = operands.Count < 2 && !protectedRef && !c.Inv.HasAnyFlag("--tags");
        foreach (var refspec in operands.Skip(1))
        {
            var text = refspec.Text;
            var dst = text.TrimStart('+');
            int colon = dst.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0) dst = dst[(colon + 1)..];
            if (dst.StartsWith("refs/heads/", StringComparison.Ordinal)) dst = dst["refs/heads/".Length..];
            if (dst.StartsWith("refs/tags/", StringComparison.Ordinal) || IsVersionTag(dst))
            {
                op.Targets.Add(dst.StartsWith("refs/", StringComparison.Ordinal) ? dst : "refs/tags/" + dst);
                op.Tags.Add("tags");
                continue;
            }
            if (dst is "HEAD" or "@") unnamedBranch = true;
            op.Targets.Add("refs/heads/" + dst);
            if (refspec.Dynamic || ProtectedBranches.Any(p => Wildcard.Match(p, dst))) protectedRef = true;
        }
        if (operands.Count > 0) op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(operands[0].Text));
        if (protectedRef) op.Tags.Add("protected-branch");
        if (c.Inv.HasAnyFlag("--tags|--follow-tags")) op.Tags.Add("tags");
        GitPushDestination(operands.Count > 0 ? operands[0].Text : null, c.Ctx);

        if (op.Class == OperationClass.HistoryRewrite && lease && !c.Inv.HasAnyFlag("-f|--force") && !operands.Skip(1).Any(o => o.Text.StartsWith('+')))
        {
            // A lease refuses to overwrite commits the pusher hasn't seen: safe on a feature branch, not on a shared one.
            if (protectedRef)
            {
                op.Shared = true;
                op.Irreversible = true;
                op.MinTier = Tier.Never;
                op.Reason = "force-pushes over a protected branch";
            }
            else if (unnamedBranch)
            {
                op.Class = OperationClass.Update;
                op.Shared = true;
                op.MinTier = Tier.WriteWithConfirmation;
                op.Reason = "force-pushes the current branch, whose name is not visible here";
            }
            else
            {
                op.Class = OperationClass.Update;
                op.Reason = "force-pushes a feature branch with a lease";
            }
            return null;
        }
        if (op.Class == OperationClass.Update && (protectedRef || op.Tags.Contains("tags")))
        {
            op.Shared = true;
            op.MinTier = Tier.WriteWithConfirmation;
            op.Reason = protectedRef ? "pushes directly to a protected branch" : "pushes tags, which often trigger releases";
        }
        return null;
    }

    /// <summary>
    /// A push to a URL on the command line, or to a remote this command line pointed somewhere, sends the repository
    /// to a destination chosen here rather than the project's own: a human confirms where it goes.
    /// </summary>
    private void GitPushDestination(string? repository, CallContext ctx)
    {
        string? url = null;
        if (repository is null) { if (_gitRemoteUrls?.TryGetValue("origin", out var o) == true) url = o; }
        else if (_gitRemoteUrls?.TryGetValue(repository, out var mapped) == true) url = mapped;
        else if (repository.Contains("://", StringComparison.Ordinal) || (repository.Contains(':', StringComparison.Ordinal) && repository.Contains('@', StringComparison.Ordinal)))
            url = repository;
        if (url is null || url.StartsWith("file://", StringComparison.Ordinal) || url.StartsWith('/') || url.StartsWith('.')) return;
        if (Hosts.IsLocal(Hosts.Of(url))) return;
        GitPushRedirect("push", url, "pushes the repository to a destination named on this command line: ", ctx);
    }

    private static bool IsVersionTag(string name)
    {
        var s = name.StartsWith('v') ? name.AsSpan(1) : name.AsSpan();
        return s.Length >= 3 && char.IsAsciiDigit(s[0]) && s.Contains('.') && !s.ContainsAnyExcept("0123456789.-abcdefghijklmnopqrstuvwxyz+");
    }

    /// <summary><c>git add FILE</c>: the file's content enters history that is pushed; a credential staged is a credential leaving.</summary>
    internal StreamSource? GitAdd(SemanticsCall c)
    {
        var op = c.Op;
        var files = op.Targets.ToList();
        op.Targets.Clear();
        op.PathTargets = false;
        if (files.Count == 0) return null;
        var read = NewDraft("git", "add", OperationClass.Read, "stages files into history that is pushed", c.Ctx);
        read.PathTargets = true;
        read.ReadsContent = true;
        read.Targets.AddRange(files);
        Emit(read);
        return null;
    }
}
