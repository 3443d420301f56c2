using System.CommandLine;
using System.Globalization;
using System.Text;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Cli.Check;
using Interlock.Cli.Local;
using Interlock.Recording;
using Interlock.Server.Policies;
using Interlock.Storage.Sqlite;
using Interlock.Storage;

namespace Interlock.Cli.Exec;

/// <summary>
/// <c>interlock exec</c>: decide, record the decision, then run the command (or not). Denied: exit 126, never started.
/// Approval required: exit 125, not started (offline; with <c>--server</c> the gateway waits for a reviewer, see <see cref="ExecServer"/>). Allowed: run in its own process
/// group under the decision's runtime limit, streamed live, recorded as asciicast v2 with secrets redacted, the result
/// audited; the command's exit code is returned (128 + signal when a signal ended it).
/// </summary>
internal static class ExecCommand
{
    /// <summary>The command was not run: denied by policy, or the gate could not do its job (audit store, recording, policy).</summary>
    public const int Denied = 126;
    /// <summary>The command was not run: it needs a reviewer's approval.</summary>
    public const int ApprovalRequired = 125;
    public const int UsageError = 1;

    internal sealed record Settings
    {
        public string? Policy { get; init; }
        public string? Agent { get; init; }
        public string? Session { get; init; }
        public required string Cwd { get; init; }
        public required string DataDirectory { get; init; }
        public string? RecordPath { get; init; }
        public bool NoRecord { get; init; }
        public double? TimeoutSec { get; init; }
        public double KillGraceSec { get; init; } = 5;
        public required string Script { get; init; }
        /// <summary><c>--token-env</c>: kept out of the command's environment (see <see cref="ChildEnvironment"/>).</summary>
        public string TokenEnv { get; init; } = ChildEnvironment.DefaultTokenEnv;
    }

    public static Command Create()
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML). Default: the built-in policies/default.yaml." };
        var agent = new Option<string?>("--agent") { Description = "The agent identity running the command (its scopes apply)." };
        var session = new Option<string?>("--session") { Description = "Session id recorded with the audit entries." };
        var cwd = new Option<string?>("--cwd") { Description = "Working directory to evaluate and run in. Default: the current directory." };
        var data = new Option<string?>("--data") { Description = "Data directory (audit.db, recordings/). Default: $XDG_STATE_HOME/interlock or ~/.local/state/interlock." };
        var record = new Option<string?>("--record") { Description = "Write the asciicast v2 recording here. Default: DATA/recordings/<timestamp>-<id>.cast." };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not record the session." };
        var timeout = new Option<double?>("--timeout") { Description = "Kill the command's process group after SEC seconds (the stricter of this and the policy's max_runtime_sec wins)." };
        var grace = new Option<double>("--kill-grace") { Description = "Seconds between SIGTERM and SIGKILL when a limit is hit.", DefaultValueFactory = _ => 5 };
        var shellText = new Option<string?>("-c") { Description = "Shell text to run (so interlock can stand in as an agent's shell: SHELL='interlock exec' … -c STRING)." };
        var server = new Option<string?>("--server") { Description = "Ask the Interlock gateway at this URL: it decides (waiting for a reviewer when approval is needed), audits, and receives the result." };
        var tokenEnv = new Option<string>("--token-env") { Description = "Environment variable holding the agent token for --server.", DefaultValueFactory = _ => ChildEnvironment.DefaultTokenEnv };
        var wait = new Option<int>("--wait") { Description = "With --server: seconds to wait for a reviewer's approval.", DefaultValueFactory = _ => 300 };
        var command = new Argument<string[]>("command") { Description = "The command, after '--'. One argument is shell text; several are quoted and joined.", Arity = ArgumentArity.ZeroOrMore };

        var cmd = new Command("exec", "Evaluate a command and run it only if allowed: in its own process group, under the policy's limits, recorded and audited. Exit: the command's own code; 126 denied (not run); 125 approval required (not run); 1 usage.")
        {
            policy, agent, session, cwd, data, record, noRecord, timeout, grace, shellText, server, tokenEnv, wait, command,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var stderr = Console.Error;
            var words = parse.GetValue(command) ?? [];
            var text = parse.GetValue(shellText);
            if (text is not null && words.Length > 0)
            {
                stderr.WriteLine("interlock exec: give either -c STRING or a command after '--', not both");
                return UsageError;
            }
            text ??= words.Length switch { 0 => null, 1 => words[0], _ => Interlock.Shell.ShellQuoting.Join(words) };
            if (string.IsNullOrWhiteSpace(text))
            {
                stderr.WriteLine("interlock exec: nothing to run; usage: interlock exec [--policy FILE] [--agent ID] [--cwd DIR] [--data DIR] [--record FILE|--no-record] [--timeout SEC] -- COMMAND... | -c STRING");
                return UsageError;
            }
            var workdir = Path.GetFullPath(parse.GetValue(cwd) ?? Environment.CurrentDirectory);
            if (parse.GetValue(timeout) is <= 0)
            {
                stderr.WriteLine("interlock exec: --timeout must be a positive number of seconds");
                return UsageError;
            }
            if (parse.GetValue(record) is not null && parse.GetValue(noRecord))
            {
                stderr.WriteLine("interlock exec: give either --record FILE or --no-record, not both");
                return UsageError;
            }
            var settings = new Settings
            {
                Policy = parse.GetValue(policy),
                Agent = parse.GetValue(agent),
                Session = parse.GetValue(session),
                Cwd = workdir,
                DataDirectory = Path.GetFullPath(parse.GetValue(data) ?? UserPaths.OfflineData()),
                RecordPath = parse.GetValue(record),
                NoRecord = parse.GetValue(noRecord),
                TimeoutSec = parse.GetValue(timeout),
                KillGraceSec = Math.Max(0, parse.GetValue(grace)),
                Script = text,
                TokenEnv = parse.GetValue(tokenEnv)!,
            };
            using var stdout = Console.OpenStandardOutput();
            using var stderrStream = Console.OpenStandardError();
            if (parse.GetValue(server) is { } url)
            {
                if (settings.Policy is not null || settings.Agent is not null)
                {
                    stderr.WriteLine("interlock exec: with --server the server's policy decides and the token names the agent; drop --policy and --agent");
                    return UsageError;
                }
                var name = parse.GetValue(tokenEnv)!;
                if (Environment.GetEnvironmentVariable(name) is not { Length: > 0 } token)
                {
                    stderr.WriteLine($"interlock: denied: no agent token: ${name} is not set; nothing runs without a decision");
                    return Denied;
                }
                return await ExecServer.RunAsync(settings, url, token, parse.GetValue(wait), stdout, stderrStream, stderr, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            return await RunAsync(settings, stdout, stderrStream, stderr, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        });
        return cmd;
    }

    internal static async Task<int> RunAsync(Settings s, Stream stdout, Stream stderrStream, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken)
    {
        var compiled = PolicySource.Load(s.Policy, stderr);
        if (compiled is null)
        {
            stderr.WriteLine("interlock: denied: the policy could not be loaded");
            return Denied;
        }
        var evaluator = LocalGate.Evaluator(compiled, s.Policy, s.DataDirectory, new Interlock.Throttling.ConstraintLimiter(time));
        // Fail closed: the decision is recorded in the local audit log before anything runs; a failed record is a deny.
        await using var gate = await LocalGate.OpenAsync(evaluator, s.DataDirectory, time, cancellationToken, Interlock.Storage.Previews.StandardPreviews.Create(time)).ConfigureAwait(false);
        var request = new ActionRequest { Command = s.Script, Cwd = s.Cwd, Home = UserPaths.Home(), Agent = s.Agent, Session = s.Session };
        var reply = await gate.Pipeline.DecideAsync(request, null, cancellationToken).ConfigureAwait(false);
        using var lease = reply.Evaluation?.Lease;
        var decision = reply.Decision;
        if (!reply.Recorded)
        {
            stderr.WriteLine($"interlock: denied: {gate.Failure ?? "the decision could not be recorded in the audit log"}; nothing runs unaudited");
            return Denied;
        }
        switch (decision.Outcome)
        {
            case Outcome.Deny:
                TerminalText.WriteLine(stderr, "interlock: denied: " + Reasons(decision));
                return Denied;
            case Outcome.RequireApproval:
                TerminalText.WriteLine(stderr, "interlock: approval required: " + Reasons(decision));
                if (reply.Evaluation is { } asked)
                {
                    var shown = new TerminalText();
                    Check.DecisionOutput.WriteBlastAndPreviews(l => stderr.WriteLine(shown.Show("interlock:" + l)), asked.Risk.BlastRadius, asked.Previews);
                }
                stderr.WriteLine("interlock: not run: no approval server is configured (run with --server URL to wait for a reviewer's approval on the gateway)");
                await gate.RecordAsync(AuditEntry.ForResult(reply.ActionId, null, "not_run", detail: "approval required; no reviewer offline", agent: request.Agent ?? "default", session: request.Session), cancellationToken).ConfigureAwait(false);
                return ApprovalRequired;
        }
        return await RunAllowed(s, new LocalResults(gate, request), decision.Constraints?.MaxRuntimeSec, reply.ActionId, time.GetUtcNow(), stdout, stderrStream, stderr, time).ConfigureAwait(false);
    }

    /// <summary>Where the outcome of an allowed command is recorded: the local audit store, or the gateway.</summary>
    internal interface IResults
    {
        Task NotRunAsync(string actionId, string detail);
        Task RanAsync(string actionId, ExecutionResult result);
    }

    private sealed class LocalResults(LocalGate gate, ActionRequest request) : IResults
    {
        public Task NotRunAsync(string actionId, string detail) =>
            Required(gate.RecordAsync(AuditEntry.ForResult(actionId, null, "not_run", detail: detail, agent: request.Agent ?? "default", session: request.Session), CancellationToken.None));

        public Task RanAsync(string actionId, ExecutionResult result) =>
            Required(gate.RecordAsync(result.ToAuditEntry(actionId, request.Agent, request.Session), CancellationToken.None));

        private static async Task Required(Task<bool> recorded)
        {
            if (!await recorded.ConfigureAwait(false)) throw new InvalidOperationException("the result could not be recorded in the audit log");
        }
    }

    internal static async Task<int> RunAllowed(Settings s, IResults results, int? maxRuntimeSec, string actionId, DateTimeOffset startedAt, Stream stdout, Stream stderrStream, TextWriter stderr, TimeProvider time)
    {
        var (limit, limitName) = Limit(maxRuntimeSec, s.TimeoutSec);

        string? recordingPath = null;
        AsciicastWriter? recorder = null;
        if (!s.NoRecord)
        {
            recordingPath = Path.GetFullPath(s.RecordPath ?? Path.Combine(s.DataDirectory, "recordings", startedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + actionId + ".cast"));
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(recordingPath)!);
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // recordings may hold what redaction missed
                var file = new FileStream(recordingPath, fileOptions);
                var (width, height) = TerminalSize();
                var header = new AsciicastHeader
                {
                    Width = width,
                    Height = height,
                    Timestamp = startedAt,
                    Title = s.Script,
                    Environment = new Dictionary<string, string> { ["SHELL"] = "/bin/bash", ["TERM"] = Environment.GetEnvironmentVariable("TERM") ?? "dumb" },
                };
                recorder = new AsciicastWriter(new StreamWriter(file, new UTF8Encoding(false)), header, SecretRedactor.FromEnvironment(ProcessEnvironment()), time);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                stderr.WriteLine($"interlock: denied: cannot create the recording {recordingPath} ({ex.Message}); pass --no-record to run without one");
                await results.NotRunAsync(actionId, "recording could not be created").ConfigureAwait(false);
                return Denied;
            }
        }

        ExecutionResult result;
        using (recorder)
        {
            try
            {
                result = await GroupRunner.RunAsync(new GroupRunOptions
                {
                    Script = s.Script,
                    WorkingDirectory = s.Cwd,
                    Limit = limit,
                    LimitName = limitName,
                    KillGrace = TimeSpan.FromSeconds(s.KillGraceSec),
                    Recorder = recorder,
                    Stdout = stdout,
                    Stderr = stderrStream,
                    Diagnostics = stderr,
                    Time = time,
                    TokenEnv = s.TokenEnv,
                }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                stderr.WriteLine($"interlock: the command could not be started: {ex.Message}");
                await results.NotRunAsync(actionId, "could not start: " + ex.Message).ConfigureAwait(false);
                return Denied;
            }
        }
        result = result with { RecordingPath = recordingPath };
        try
        {
            await results.RanAsync(actionId, result).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"interlock: warning: the result could not be recorded in the audit log ({ex.Message})");
        }
        return result.ExitCode;
    }

    /// <summary>This process's environment, for the recording's redactor.</summary>
    private static List<KeyValuePair<string, string>> ProcessEnvironment()
    {
        var env = new List<KeyValuePair<string, string>>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) env.Add(new(k, v));
        return env;
    }

    /// <summary>The stricter of the policy's <c>max_runtime_sec</c> and <c>--timeout</c>.</summary>
    internal static (TimeSpan? Limit, string? Name) Limit(int? maxRuntimeSec, double? timeoutSec)
    {
        TimeSpan? policy = maxRuntimeSec is { } p ? TimeSpan.FromSeconds(p) : null;
        TimeSpan? flag = timeoutSec is { } t ? TimeSpan.FromSeconds(t) : null;
        if (policy is null) return flag is null ? (null, null) : (flag, "--timeout");
        if (flag is null || policy <= flag) return (policy, "max_runtime_sec");
        return (flag, "--timeout");
    }

    private static string Reasons(Decision decision)
    {
        var reasons = decision.Reasons.Count > 0 ? string.Join("; ", decision.Reasons) : "(no reason given)";
        return decision.Rules.Count > 0 ? $"{reasons} [rules: {string.Join(", ", decision.Rules)}]" : reasons;
    }

    private static (int Width, int Height) TerminalSize()
    {
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth > 0 && Console.WindowHeight > 0) return (Console.WindowWidth, Console.WindowHeight);
        }
        catch (IOException)
        {
        }
        int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
        return (Env("COLUMNS", 80), Env("LINES", 24));
    }
}
