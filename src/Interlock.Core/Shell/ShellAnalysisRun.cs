using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

/// <summary>How a command is being run: its variables, input, nesting, and what wraps it (sudo, ssh, xargs).</summary>
internal readonly record struct CallContext(
    VariableScope Vars,
    StreamSource Stdin,
    string Source,
    string Text,
    int Nesting,
    bool Privileged = false,
    string? RemoteHost = null,
    EnvironmentKind RemoteEnvironment = EnvironmentKind.Unknown,
    string? ExtraTag = null,
    IReadOnlyList<string>? Referenced = null,
    EnvironmentKind AssignedEnvironment = EnvironmentKind.Unknown,
    CommandEnvironment? Env = null);

/// <summary>An operation being assembled from a table row and refined by semantics.</summary>
internal sealed class OperationDraft
{
    public required string Program { get; set; }
    public string? Verb { get; set; }
    public required OperationClass Class { get; set; }
    public required string Reason { get; set; }
    public List<string> Targets { get; } = [];
    public List<string>? Urls { get; set; }
    public bool PathTargets { get; set; }
    public bool ReadsContent { get; set; }
    public bool Shared { get; set; }
    public bool Irreversible { get; set; }
    public Risk.Tier? MinTier { get; set; }
    public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);
    public EnvironmentKind Environment { get; set; }
    public string Text { get; set; } = "";
    /// <summary>Set by semantics that replaced this operation with more precise ones.</summary>
    public bool Suppressed { get; set; }
}

/// <summary>One analysis of one action: walks the syntax tree, tracks variables and pipes, and collects operations.</summary>
internal sealed partial class ShellAnalysisRun
{
    private readonly ShellCommandAnalyzer _analyzer;
    private readonly CommandKnowledge _knowledge;
    private readonly WordExpander _expander;
    private readonly long _started;
    /// <summary>Set by <c>builtin</c>/<c>command</c> for the dispatch of the command they wrap.</summary>
    private bool _bypassFunctions;

    private readonly Dictionary<string, FunctionDefinition> _functions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeFunctions = new(StringComparer.Ordinal);
    private int _commands;

    /// <summary>Parser steps of every text this run parsed; see <see cref="Work"/>.</summary>
    private long _parseSteps;

    /// <summary>How many <see cref="Dispatch"/> calls are on the stack.</summary>
    private int _depth;
    private bool _variableCommandReported;
    private bool _stopped;
    private CallContext _current;

    public ShellAnalysisRun(ShellCommandAnalyzer analyzer, string workspace, string home)
    {
        _analyzer = analyzer;
        _knowledge = analyzer.Knowledge;
        Workspace = workspace;
        Home = home;
        _started = analyzer.Time?.GetTimestamp() ?? 0;
        _expander = new WordExpander(RunSubstitution, OnExpansionLimit);
    }

    public string Workspace { get; }
    public string Home { get; }

    /// <summary>The last few credential checks: the same target is often checked by a command's semantics and again when emitted.</summary>
    private readonly (string Path, bool Recursive, string? Why)[] _credentialMemo = new (string, bool, string?)[4];
    private int _credentialMemoNext;

    /// <summary>Why <paramref name="path"/> holds credentials (see <see cref="CredentialPaths.Describe"/>), or null.</summary>
    internal string? CredentialIn(string path, bool recursive = false)
    {
        foreach (var (p, r, why) in _credentialMemo)
            if (r == recursive && p is not null && (ReferenceEquals(p, path) || p == path)) return why;
        var result = CredentialPaths.Describe(path, Home, recursive);
        _credentialMemo[_credentialMemoNext] = (path, recursive, result);
        _credentialMemoNext = (_credentialMemoNext + 1) % _credentialMemo.Length;
        return result;
    }

    public List<Operation> Operations { get; } = [];

    /// <summary>
    /// Deterministic work done: parser steps of every text parsed (the action, nested strings, latent code), commands
    /// dispatched and characters expanded. Tests bound it by the input length instead of timing the analysis.
    /// </summary>
    internal long Work => _parseSteps + _commands + _expander.Work;
    public List<AnalysisGap> Gaps { get; } = [];

    public void Run(string command)
    {
        var vars = new VariableScope(Home, Workspace);
        var ctx = new CallContext(vars, StreamSource.None, command, command, 0);
        RunString(command, ctx);
        CheckLifecycleScripts(command);
    }

    public void AddGap(string kind, string detail, string text = "")
    {
        // Written code asks only for what would be refused if it ran (see JudgeWrittenCode): what it cannot see is ordinary there.
        if (_judgingWrittenCode) return;
        if (Gaps.Count < 64) Gaps.Add(new AnalysisGap(kind, detail, Clip(text)));
    }

    private static string Clip(string text) => text.Length <= 240 ? text : text[..237] + "...";

    /// <summary>Parses and analyzes a command string (the action itself, <c>bash -c</c>, <c>eval</c>, <c>ssh</c>).</summary>
    internal StreamSource RunString(string text, CallContext ctx)
    {
        if (ctx.Nesting > _analyzer.Limits.MaxNesting)
        {
            AddGap("budget", $"command strings nest deeper than the nesting budget of {_analyzer.Limits.MaxNesting}", text);
            return StreamSource.Unknown;
        }
        var parsed = Parse(text);
        if (parsed.BudgetExceeded is not null)
        {
            AddGap("budget", $"{parsed.Error} (parser {parsed.BudgetExceeded} budget)", text);
            return StreamSource.Unknown;
        }
        if (parsed.Error is not null)
        {
            // bash runs the lines before a syntax error, so the partial script is still analyzed.
            AddGap("parse-error", $"the shell text does not parse: {parsed.Error} at offset {parsed.ErrorPosition}", text);
        }
        return RunScript(parsed.Script, ctx with { Source = text });
    }

    /// <summary>Parses shell text within the parser budgets, counting the parser's work into <see cref="Work"/>.</summary>
    internal ShellParseResult Parse(string text)
    {
        var parsed = ShellParser.Parse(text, _analyzer.Limits.Parser);
        _parseSteps += parsed.Steps;
        return parsed;
    }

    private StreamSource RunSubstitution(ShellScript script, VariableScope vars)
    {
        var output = RunScript(script, _current with { Vars = vars, Stdin = StreamSource.None, Nesting = _current.Nesting + 1 });
        return output;
    }

    private StreamSource RunScript(ShellScript script, CallContext ctx, List<StreamSource>? outputs = null)
    {
        var last = StreamSource.None;
        foreach (var item in script.Items)
        {
            foreach (var pipeline in item.Pipelines)
            {
                if (_stopped) return StreamSource.Unknown;
                last = RunPipeline(pipeline, ctx);
                outputs?.Add(last);
            }
        }
        return last;
    }

    /// <summary>
    /// What a compound command writes: every command in it writes to the same output, so secrets or the environment
    /// printed anywhere inside (<c>( set -o posix; set ) | grep KEY</c>) are in it; plain text only when all of it is.
    /// </summary>
    private static StreamSource MergedOutput(List<StreamSource> outputs, bool literalAllowed)
    {
        var strongest = StreamSource.None;
        System.Text.StringBuilder? text = null;
        bool unknown = false;
        foreach (var o in outputs)
        {
            if (Sensitivity(o.Kind) > Sensitivity(strongest.Kind)) strongest = o;
            else if (o.Kind == StreamKind.Literal && literalAllowed) (text ??= new System.Text.StringBuilder()).Append(o.Text);
            else if (o.Kind != StreamKind.None && Sensitivity(o.Kind) == 0) unknown = true;
        }
        if (strongest.Kind != StreamKind.None) return strongest;
        return !unknown && text is not null ? new StreamSource(StreamKind.Literal, text.ToString()) : StreamSource.Unknown;
    }

    private static int Sensitivity(StreamKind kind) => kind switch
    {
        StreamKind.Secret => 5, StreamKind.Environment => 4, StreamKind.Network => 3, StreamKind.Decoded => 2, StreamKind.CredentialNames => 1, _ => 0,
    };

    private StreamSource RunPipeline(Pipeline pipeline, CallContext ctx)
    {
        var stdin = ctx.Stdin;
        bool subshells = pipeline.Commands.Count > 1;
        foreach (var command in pipeline.Commands)
        {
            var vars = subshells ? ctx.Vars.Fork() : ctx.Vars;
            stdin = RunCommand(command, ctx with { Vars = vars, Stdin = stdin });
        }
        return stdin;
    }

    private StreamSource RunCommand(ShellCommand command, CallContext ctx)
    {
        switch (command)
        {
            case SimpleCommand simple:
                return RunSimple(simple, ctx);
            case FunctionDefinition def:
                _functions[def.Name] = def;
                // A function named like a program or builtin (`cd() { …; }`) replaces it for every later use in this
                // shell, including commands not shown here: its body is analyzed now, as the code those uses run.
                if (_knowledge.TryGetProgram(def.Name, out _))
                {
                    RunExportedFunction(def.Name, ctx);
                    AddGap("dynamic-command", $"a function replaces '{def.Name}' in this shell: later uses of that name run its body", ctx.Text);
                    var shadow = NewDraft(def.Name, null, OperationClass.Exec, $"replaces the command '{def.Name}' with a function for later uses", ctx);
                    shadow.Tags.Add("dynamic-command");
                    Emit(shadow);
                }
                else if (IsShellHookFunction(def.Name)) RunExportedFunction(def.Name, ctx);
                return StreamSource.None;
            case CompoundCommand compound:
                return RunCompound(compound, ctx);
            default:
                AddGap("unsupported", $"a {command.GetType().Name} is not analyzed");
                return StreamSource.Unknown;
        }
    }

    private StreamSource RunCompound(CompoundCommand compound, CallContext ctx)
    {
        // Compound commands count too: nested loops multiply their bodies, and `((1))` is no simple command.
        if (OverBudget()) return StreamSource.Unknown;
        var vars = compound.Kind == CompoundKind.Subshell ? ctx.Vars.Fork() : ctx.Vars;
        var text = Slice(ctx.Source, compound.Start, compound.End);
        ctx = ctx with { Vars = vars, Text = text };
        _current = ctx;
        var stdin = ApplyRedirections(compound.Redirections, ctx) ?? ctx.Stdin;
        ctx = ctx with { Stdin = stdin };

        var words = new List<ShellArg>();
        _expander.ExpandAll(compound.Words, vars, words);
        if (compound.Kind == CompoundKind.Conditional) AnalyzeConditionalWords(words, ctx);

        if (compound.Kind is CompoundKind.For or CompoundKind.Select && compound.Variable is { } variable)
        {
            // Analyze the body once per known item (bounded), so `for d in /etc /usr; do rm -rf $d; done` is seen.
            bool allStatic = words.Count > 0 && words.TrueForAll(w => !w.Dynamic && !w.Glob);
            if (allStatic && words.Count <= 8)
            {
                var loopOutputs = new List<StreamSource>();
                foreach (var item in words)
                {
                    vars.Set(variable, item.Text);
                    foreach (var body in compound.Bodies) RunScript(body, ctx, loopOutputs);
                }
                return MergedOutput(loopOutputs, literalAllowed: false);
            }
            vars.Set(variable, words.Count == 1 && !words[0].Dynamic ? words[0].Text : null);
        }
        var outputs = new List<StreamSource>();
        foreach (var body in compound.Bodies) RunScript(body, ctx, outputs);
        return MergedOutput(outputs, literalAllowed: compound.Kind is CompoundKind.Subshell or CompoundKind.BraceGroup);
    }

    private static string Slice(string source, int start, int end) =>
        start >= 0 && end <= source.Length && end > start ? source[start..end] : source;

    private bool OverBudget()
    {
        if (_stopped) return true;
        var limits = _analyzer.Limits;
        if (++_commands > limits.MaxCommands)
        {
            AddGap("budget", $"more than {limits.MaxCommands} commands (command budget)");
            _stopped = true;
        }
        else if (Operations.Count >= limits.MaxOperations)
        {
            AddGap("budget", $"more than {limits.MaxOperations} operations (operation budget)");
            _stopped = true;
        }
        else if ((_commands & 15) == 0 && _analyzer.Time is { } clock && clock.GetElapsedTime(_started) > limits.TimeBudget)
        {
            AddGap("budget", $"analysis took longer than the time budget of {limits.TimeBudget.TotalMilliseconds:0} ms");
            _stopped = true;
        }
        return _stopped;
    }

    private StreamSource RunSimple(SimpleCommand simple, CallContext ctx)
    {
        if (OverBudget()) return StreamSource.Unknown;
        var text = Slice(ctx.Source, simple.Start, simple.End);
        ctx = ctx with { Text = text };
        _current = ctx;
        _expander.ResetReferences();

        var assignedEnv = EnvironmentKind.Unknown;
        var commandEnv = ctx.Env;
        foreach (var assignment in simple.Assignments)
        {
            var value = _expander.ExpandSingle(assignment.Value, ctx.Vars);
            // A bare `HOME=/tmp;` is taken as what `~` means below (its effect on programs' settings is left open);
            // before a command or exported, it is that command's configuration.
            if (simple.Words.Count > 0 || !IsConfigHome(assignment.Name)) CodeInEnvironment(assignment.Name, value, ctx);
            if (IsEnvironmentSelector(assignment.Name)) assignedEnv = EnvironmentNames.Max(assignedEnv, EnvironmentNames.Detect(value.Text));
            if (simple.Words.Count > 0) commandEnv = CommandEnvironment.With(commandEnv, assignment.Name, value);
            if (assignment.ArrayItems is { } items)
            {
                var scratch = new List<ShellArg>();
                _expander.ExpandAll(items, ctx.Vars, scratch);
                foreach (var item in scratch) OnAssigned(assignment.Name, item, ctx); // PROMPT_COMMAND=(…), a=('x[$(cmd)]')
            }
            if (simple.Words.Count > 0)
            {
                // An environment for that command only; a PATH there decides where its program is looked up.
                OnAssigned(assignment.Name, value, ctx);
                // CDPATH before `cd` decides where it lands, and that directory outlives it: kept, on the safe side.
                if (assignment.Name == "CDPATH") ctx.Vars.Set("CDPATH", value.Dynamic ? null : value.Text);
                if (assignment.Name == "PATH" && assignment.ArrayItems is null)
                {
                    ctx = ctx with { Vars = ctx.Vars.Fork() };
                    ctx.Vars.Set("PATH", value.Dynamic ? null : value.Text);
                }
                continue;
            }
            OnAssigned(assignment.Name, value, ctx);
            if (assignment.ArrayItems is not null || value.Dynamic) ctx.Vars.Set(assignment.Name, null, value.Text.Contains(ShellArg.Unknown) ? value.ProcessSource : StreamKind.None);
            else if (assignment.Append) ctx.Vars.Set(assignment.Name, ctx.Vars.TryGet(assignment.Name, out var old) ? old + value.Text : null);
            else ctx.Vars.Set(assignment.Name, value.Text);
        }

        var args = new List<ShellArg>(simple.Words.Count);
        _expander.ExpandAll(simple.Words, ctx.Vars, args);
        var referenced = _expander.ReferencedNames.Count == 0 ? null : _expander.ReferencedNames.ToArray();
        // The files output goes to, as expanded once here: written code is judged against them after the command runs.
        var outputFiles = simple.Redirections.Count > 0 ? new List<ShellArg>() : null;
        var stdin = ApplyRedirections(simple.Redirections, ctx, outputFiles) ?? ctx.Stdin;
        if (args.Count == 0) return StreamSource.None;
        var output = Dispatch(args, ctx with { Stdin = stdin, Referenced = referenced, AssignedEnvironment = EnvironmentNames.Max(ctx.AssignedEnvironment, assignedEnv), Env = commandEnv });
        if (output is { Kind: StreamKind.Literal, Text: { } written } && outputFiles is { Count: > 0 }) JudgeWrittenCode(outputFiles, written, ctx);
        // `$_` is the last word of the command before: `ls ~/.ssh/id_rsa && cat $_` reads the key.
        var last = args[^1];
        ctx.Vars.Set("_", last.Dynamic ? null : last.Text);
        return output;
    }

    private static bool IsConfigHome(string name) => CodeEnvironment.TryGet(name, out var kind) && kind == EnvironmentCode.ConfigHome;

    /// <summary>Variables that pick the environment a command acts on: RAILS_ENV, NODE_ENV, AWS_PROFILE, KUBECONFIG, DATABASE_URL…</summary>
    private static bool IsEnvironmentSelector(string name) =>
        name.EndsWith("_ENV", StringComparison.Ordinal) || name is "ENV" or "ENVIRONMENT" or "STAGE" or "KUBECONFIG" or "DATABASE_URL" or "PGHOST" or "PGDATABASE" or "MYSQL_HOST" or "REDIS_URL" or "MONGO_URL"
        || name.EndsWith("_PROFILE", StringComparison.Ordinal) || name.EndsWith("_CONTEXT", StringComparison.Ordinal) || name.EndsWith("_STAGE", StringComparison.Ordinal);

    /// <summary>Records file writes and reads done by redirections; returns the command's input when a redirection supplies it.</summary>
    private StreamSource? ApplyRedirections(IReadOnlyList<Redirection> redirections, CallContext ctx, List<ShellArg>? outputFiles = null)
    {
        StreamSource? stdin = null;
        foreach (var r in redirections)
        {
            switch (r.Operator)
            {
                case RedirectionOperator.Output or RedirectionOperator.Append or RedirectionOperator.Clobber
                    or RedirectionOperator.OutputAndError or RedirectionOperator.AppendOutputAndError or RedirectionOperator.ReadWrite:
                {
                    var append = r.Operator is RedirectionOperator.Append or RedirectionOperator.AppendOutputAndError;
                    var file = _expander.ExpandSingle(r.Target, ctx.Vars);
                    EmitRedirectWrite(file, append, ctx);
                    if (r.Operator != RedirectionOperator.ReadWrite) outputFiles?.Add(file);
                    break;
                }
                case RedirectionOperator.DuplicateOutput:
                {
                    // `>&file` (not a descriptor) writes to a file.
                    var target = _expander.ExpandSingle(r.Target, ctx.Vars);
                    if (target.Text.Length > 0 && target.Text != "-" && !target.Text.All(char.IsAsciiDigit)) EmitRedirectWrite(target, append: false, ctx);
                    break;
                }
                case RedirectionOperator.Input:
                {
                    var target = _expander.ExpandSingle(r.Target, ctx.Vars);
                    var path = ResolvePath(target, ctx);
                    var draft = NewDraft("redirect", "<", OperationClass.Read, "reads a file as input", ctx);
                    draft.PathTargets = true;
                    draft.ReadsContent = true;
                    draft.Targets.Add(path);
                    Emit(draft);
                    stdin = CredentialIn(path) is not null ? new StreamSource(StreamKind.Secret)
                        : target.ProcessSource is StreamKind.Network or StreamKind.Decoded or StreamKind.Secret ? new StreamSource(target.ProcessSource)
                        : StreamSource.Unknown;
                    break;
                }
                case RedirectionOperator.HereDocument:
                {
                    var body = r.HereDocument is null ? "" : _expander.ExpandSingle(r.HereDocument, ctx.Vars).Text;
                    stdin = new StreamSource(StreamKind.Literal, body);
                    break;
                }
                case RedirectionOperator.HereString:
                {
                    var word = _expander.ExpandSingle(r.Target, ctx.Vars);
                    stdin = new StreamSource(StreamKind.Literal, word.Text + "\n");
                    break;
                }
            }
        }
        return stdin;
    }

    private void EmitRedirectWrite(ShellArg target, bool append, CallContext ctx)
    {
        if (IsHarmlessSink(target.Text)) return;
        var draft = NewDraft("redirect", append ? ">>" : ">", OperationClass.Update,
            append ? "appends output to a file" : "writes output to a file, replacing its contents", ctx);
        draft.PathTargets = true;
        draft.Irreversible = !append; // `>` replaces what the file held
        draft.Targets.Add(ResolvePath(target, ctx));
        Emit(draft);
    }

    private static bool IsHarmlessSink(string path) =>
        path is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/tty" || path.StartsWith("/dev/fd/", StringComparison.Ordinal);

    /// <summary>Resolves a path argument against the current directory; paths on a remote host stay unknown-rooted.</summary>
    internal string ResolvePath(ShellArg arg, CallContext ctx)
    {
        var text = arg.Text;
        if (ctx.RemoteHost is not null)
            return text.StartsWith('/') ? PathResolver.Normalize(text) : ShellArg.Unknown + "/" + text;
        var cwd = ctx.Vars.TryGet("PWD", out var pwd) ? pwd! : ShellArg.Unknown.ToString();
        var path = PathResolver.Resolve(text, cwd, Home);
        return _links is null ? path : FollowLinks(path, text);
    }

    internal OperationDraft NewDraft(string program, string? verb, OperationClass cls, string reason, CallContext ctx)
    {
        var draft = new OperationDraft { Program = program, Verb = verb, Class = cls, Reason = reason, Text = ctx.Text };
        if (ctx.Privileged) draft.Tags.Add("sudo");
        if (ctx.ExtraTag is not null) draft.Tags.Add(ctx.ExtraTag);
        // NODE_ENV=production on a build changes nothing shared; on a migration it points at production.
        if (ctx.AssignedEnvironment != EnvironmentKind.Unknown && cls is not (OperationClass.Read or OperationClass.Exec))
            draft.Environment = ctx.AssignedEnvironment;
        if (ctx.RemoteHost is not null)
        {
            draft.Tags.Add("remote");
            draft.Shared = cls != OperationClass.Read;
            draft.Environment = ctx.RemoteEnvironment;
        }
        return draft;
    }

    /// <summary>Adds an operation, plus a credential read for each credential file it reads.</summary>
    internal void Emit(OperationDraft draft)
    {
        if (draft.Suppressed) return;
        if (_links is not null) ThroughLinks(draft);
        if (Operations.Count >= _analyzer.Limits.MaxOperations)
        {
            if (!_stopped) AddGap("budget", $"more than {_analyzer.Limits.MaxOperations} operations (operation budget)");
            _stopped = true;
            return;
        }
        var op = new Operation
        {
            Program = draft.Program,
            Verb = draft.Verb,
            Class = draft.Class,
            Targets = draft.Targets.ToArray(),
            Urls = draft.Urls is { Count: > 0 } urls ? urls.ToArray() : [],
            PathTargets = draft.PathTargets,
            Environment = draft.Environment,
            Reversible = !draft.Irreversible,
            SharedState = draft.Shared,
            MinTier = draft.MinTier,
            Tags = draft.Tags.Count == 0 ? Operation.EmptyTags : draft.Tags,
            Reason = draft.Reason,
            Text = Clip(draft.Text),
        };
        Operations.Add(op);
        NoteWritesAndRuns(draft);

        if (draft.PathTargets && draft.ReadsContent && draft.Class is OperationClass.Read or OperationClass.Create or OperationClass.Exec or OperationClass.Egress)
        {
            bool recursive = draft.Tags.Contains("recursive");
            foreach (var target in draft.Targets)
            {
                var why = CredentialIn(target, recursive);
                if (why is null) continue;
                var cred = NewDraft(draft.Program, draft.Verb, OperationClass.CredentialRead, "reads credentials: " + why, _current with { Text = draft.Text });
                cred.Targets.Add(target);
                cred.PathTargets = true;
                cred.Tags.Add("secret");
                Emit(cred);
            }
        }
    }

    private bool _expansionLimitReported;

    /// <summary>A word expanded past a bound: the words analyzed are not all the command would get, so nothing can be assumed.</summary>
    private void OnExpansionLimit(string detail)
    {
        if (_expansionLimitReported) return;
        _expansionLimitReported = true;
        AddGap("budget", detail, _current.Text ?? "");
    }
}
