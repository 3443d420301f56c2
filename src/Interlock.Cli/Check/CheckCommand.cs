using System.CommandLine;
using System.Text;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Server.Policies;

namespace Interlock.Cli.Check;

/// <summary><c>interlock check</c>: evaluates one command, or a JSON Lines batch of actions, against a policy.</summary>
internal static class CheckCommand
{
    /// <summary>Longest batch line accepted; longer lines get an error line and the batch goes on.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>
    /// <c>interlock check</c>, or with <paramref name="plan"/> <c>interlock plan</c>: the same decision, plus the dry-run
    /// previews of whatever the action would change (files, git, SQL, terraform …), whatever the outcome.
    /// </summary>
    public static Command Create(bool plan = false)
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML). Default: the built-in policies/default.yaml." };
        var cwd = new Option<string?>("--cwd") { Description = "Working directory (the agent's workspace) the command runs in. Default: the current directory." };
        var json = new Option<bool>("--json") { Description = "Print the decision as JSON." };
        var explain = new Option<bool>("--explain") { Description = "Show the facts, every rule and whether it matched, and the policy hash." };
        var agent = new Option<string?>("--agent") { Description = "The agent identity proposing the action (its scopes apply). Default: the policy's default agent." };
        var batch = new Option<string?>("--batch") { Description = "Evaluate a JSON Lines file of actions ('-' for standard input); one JSON line out per line in." };
        var data = new Option<string?>("--data") { Description = "Directory of the local audit log the decisions are recorded in. Default: ~/.local/state/interlock (as hook, exec and mcp-proxy)." };
        var noRecord = new Option<bool>("--no-audit") { Description = "Do not record the decisions in the local audit log (for trying a policy; nothing runs under check either way)." };
        var command = new Argument<string[]>("command") { Description = "The command, after '--'. One argument is shell text; several are quoted and joined.", Arity = ArgumentArity.ZeroOrMore };

        var cmd = plan
            ? new Command("plan", "Show what an action would change before it runs: the decision, the blast radius (scope, reversibility, coupling) and dry-run previews that look and never change anything. Exit codes as check.")
            {
                policy, cwd, json, explain, agent, batch, data, noRecord, command,
            }
            : new Command("check", "Decide whether an action may run: allow (exit 0), deny (2) or require_approval (3); 1 for usage or internal errors.")
            {
                policy, cwd, json, explain, agent, batch, data, noRecord, command,
            };
        var previews = plan ? Interlock.Storage.Previews.StandardPreviews.Create(TimeProvider.System) : null;
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = Console.Out;
            var stderr = Console.Error;
            var compiled = PolicySource.Load(parse.GetValue(policy), stderr);
            if (compiled is null) return 1;
            // One limiter for the whole run: a batch shares rate windows, as a gateway would.
            var evaluator = Local.LocalGate.Evaluator(compiled, parse.GetValue(policy), limiter: new Interlock.Throttling.ConstraintLimiter(TimeProvider.System));
            var home = Local.UserPaths.Home();
            var workdir = parse.GetValue(cwd) ?? Environment.CurrentDirectory;
            if (!workdir.StartsWith('/'))
            {
                stderr.WriteLine($"interlock: --cwd must be an absolute path, got '{workdir}'");
                return 1;
            }
            var dataDirectory = Path.GetFullPath(parse.GetValue(data) ?? Local.UserPaths.OfflineData());
            if (parse.GetValue(batch) is { } batchPath)
            {
                if (parse.GetValue(command) is { Length: > 0 })
                {
                    stderr.WriteLine("interlock: give either --batch or a command, not both");
                    return 1;
                }
                await using var batchGate = await OpenAsync(evaluator, dataDirectory, parse.GetValue(noRecord), cancellationToken, previews).ConfigureAwait(false);
                return await RunBatchAsync(batchPath, batchGate, evaluator, workdir, home, parse.GetValue(explain), stdout, stderr, cancellationToken).ConfigureAwait(false);
            }
            var words = parse.GetValue(command) ?? [];
            if (words.Length == 0)
            {
                stderr.WriteLine($"interlock: nothing to {cmd.Name}; usage: interlock {cmd.Name} [--policy FILE] [--cwd DIR] [--json] [--explain] -- COMMAND...");
                return 1;
            }
            var text = words.Length == 1 ? words[0] : Interlock.Shell.ShellQuoting.Join(words);
            await using var gate = await OpenAsync(evaluator, dataDirectory, parse.GetValue(noRecord), cancellationToken, previews).ConfigureAwait(false);
            var reply = await gate.Pipeline.DecideAsync(new ActionRequest { Command = text, Cwd = workdir, Home = home, Agent = parse.GetValue(agent) }, null, cancellationToken).ConfigureAwait(false);
            reply.Evaluation?.Lease?.Dispose(); // nothing runs under check
            var rules = parse.GetValue(explain) && reply.Evaluation is { } ev ? compiled.Explain(ev.Facts, ev.Risk) : null;
            if (parse.GetValue(json))
            {
                stdout.WriteLine(DecisionOutput.Json(reply, full: true, rules));
            }
            else
            {
                DecisionOutput.WriteText(stdout, reply, rules is not null);
                if (rules is not null) DecisionOutput.WriteExplainRules(stdout, rules);
            }
            return DecisionOutput.ExitCode(reply.Decision.Outcome);
        });
        return cmd;
    }

    /// <summary>The local pipeline: recording to the user's audit log, or (with --no-record) to nothing.</summary>
    private static async Task<Local.LocalGate> OpenAsync(ActionEvaluator evaluator, string dataDirectory, bool noRecord, CancellationToken cancellationToken, Interlock.Previews.PreviewRunner? previews = null) =>
        noRecord
            ? Local.LocalGate.Unrecorded(evaluator, previews)
            : await Local.LocalGate.OpenAsync(evaluator, dataDirectory, TimeProvider.System, cancellationToken, previews, previewEveryChange: previews is not null).ConfigureAwait(false);

    private static async Task<int> RunBatchAsync(string path, Local.LocalGate gate, ActionEvaluator evaluator, string cwd, string home, bool explain, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Stream input;
        try
        {
            input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"interlock: cannot read batch '{path}': {ex.Message}");
            return 1;
        }
        using (input)
        {
            int lineNumber = 0;
            foreach (var line in ReadLines(input))
            {
                lineNumber++;
                if (line.TooLong)
                {
                    stdout.WriteLine(DecisionOutput.ErrorJson(null, $"line {lineNumber}: longer than {MaxLineBytes} bytes"));
                    continue;
                }
                var text = line.Text;
                if (string.IsNullOrWhiteSpace(text)) continue;
                JsonElement? id = null;
                ActionRequest? request;
                string? error;
                try
                {
                    using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var idEl)) id = idEl.Clone();
                    (request, error) = ActionJson.Parse(doc.RootElement, cwd, home);
                }
                catch (JsonException ex)
                {
                    stdout.WriteLine(DecisionOutput.ErrorJson(id, $"line {lineNumber}: not valid JSON: {ex.Message}"));
                    continue;
                }
                if (request is null)
                {
                    stdout.WriteLine(DecisionOutput.ErrorJson(id, $"line {lineNumber}: {error}"));
                    continue;
                }
                var reply = await gate.Pipeline.DecideAsync(request, null, cancellationToken).ConfigureAwait(false);
                reply.Evaluation?.Lease?.Dispose(); // nothing runs under check: concurrency slots end with the decision
                var rules = explain && reply.Evaluation is { } ev ? evaluator.Policy.Explain(ev.Facts, ev.Risk) : null;
                stdout.WriteLine(DecisionOutput.Json(reply, full: explain, rules, request.Id));
            }
        }
        return 0;
    }

    private readonly record struct Line(string Text, bool TooLong);

    /// <summary>Reads UTF-8 lines, refusing to buffer more than <see cref="MaxLineBytes"/> of one line.</summary>
    private static IEnumerable<Line> ReadLines(Stream input)
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        bool tooLong = false;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                if (!tooLong) line.Write(buffer, start, i - start);
                yield return Finish(line, ref tooLong);
                start = i + 1;
            }
            if (!tooLong) line.Write(buffer, start, read - start);
            if (line.Length > MaxLineBytes) { tooLong = true; line.SetLength(0); }
        }
        if (line.Length > 0 || tooLong) yield return Finish(line, ref tooLong);
    }

    private static Line Finish(MemoryStream line, ref bool tooLong)
    {
        var result = tooLong || line.Length > MaxLineBytes
            ? new Line("", true)
            : new Line(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r'), false);
        line.SetLength(0);
        tooLong = false;
        return result;
    }
}
