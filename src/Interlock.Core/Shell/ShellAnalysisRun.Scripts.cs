using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics handlers named by command-knowledge rows (see ProgramSemantics): editors, sourced scripts and task runners.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Editors and pagers: <c>vim -c ':!cmd'</c>, <c>vim +'!cmd'</c>, <c>less +'!cmd'</c> run shell commands; less and view only read.</summary>
    internal StreamSource? Editor(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Program is "less" or "more" or "view")
        {
            op.Class = OperationClass.Read;
            op.Reason = "shows files";
            op.ReadsContent = true;
        }
        op.Targets.RemoveAll(t => t[(t.LastIndexOf('/') + 1)..].StartsWith('+'));
        EditorCode(c);
        // Emacs Lisp can read, write and run anything, and the scanner reads only some forms: any Lisp is opaque code
        // (approval), and the paths it names are still checked.
        if (op.Program is "emacs" or "emacsclient") EditorLisp(c);
        return null;
    }

    internal StreamSource? Source(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Targets.Count == 0) return null;
        var arg = c.Inv.Positionals[0];
        if (arg.ProcessSource is StreamKind.Network or StreamKind.Decoded)
            MarkForeignCode(op, arg.ProcessSource);
        else if (IsDescriptorPath(arg.Text))
        {
            // `source <(echo …)`: the current shell runs another command's output; analyze it as the code it is.
            op.Suppressed = true;
            return RunStdinCode(op.Program, c.Ctx with { Stdin = DescriptorOutput(arg, c.Ctx) }, shell: true);
        }
        op.Targets.RemoveRange(1, op.Targets.Count - 1);
        op.ReadsContent = false;
        // `set -a; . ./.env`: the file's secrets are now the shell's variables, so printing the environment prints them.
        if (CredentialIn(op.Targets[0]) is not null) _secretsSourcedFrom ??= op.Targets[0];
        return null;
    }

    /// <summary>A credential file sourced earlier in this command (<c>. ./.env</c>): its secrets are in the environment.</summary>
    private string? _secretsSourcedFrom;

    /// <summary>An environment dump (<c>printenv</c>, <c>env</c>, <c>set</c>, <c>export -p</c>) after secrets were sourced reads those secrets.</summary>
    private StreamSource EnvironmentDump(OperationDraft op)
    {
        if (_secretsSourcedFrom is null) return new StreamSource(StreamKind.Environment);
        op.Class = OperationClass.CredentialRead;
        op.Reason = $"prints the environment, which holds the secrets sourced from {_secretsSourcedFrom}";
        op.Tags.Add("secret");
        return new StreamSource(StreamKind.Secret);
    }

    private static void MarkForeignCode(OperationDraft op, StreamKind kind)
    {
        op.Class = OperationClass.Exec;
        if (kind == StreamKind.Network)
        {
            op.Reason = "runs code downloaded from the network without review";
            op.Tags.Add("remote-code");
        }
        else
        {
            op.Reason = "runs decoded, unreviewed code";
            op.Tags.Add("obfuscated-code");
        }
        op.Irreversible = true;
    }

    private static readonly HashSet<string> DeployTasks = new(StringComparer.OrdinalIgnoreCase)
        { "deploy", "release", "publish", "upload", "rollout", "promote", "ship", "push", "apply", "provision", "migrate",
          "deliver", "supply", "pilot", "submit", "beta", "appstore", "playstore", "testflight" };

    private static readonly HashSet<string> DestroyTasks = new(StringComparer.OrdinalIgnoreCase)
        { "destroy", "teardown", "nuke", "drop", "wipe", "purge", "undeploy", "decommission", "truncate", "delete" };

    /// <summary>
    /// <c>mvn exec:exec -Dexec.executable=PROGRAM -Dexec.args=ARGS</c> runs PROGRAM with ARGS: read as that command. Without
    /// an executable on the command line the plugin runs what the project's pom names, which is project code.
    /// </summary>
    private void MavenExec(SemanticsCall c)
    {
        if (!c.Inv.Positionals.Any(p => p.Text.StartsWith("exec:exec", StringComparison.Ordinal) || p.Text.Contains(":exec-maven-plugin:", StringComparison.Ordinal))) return;
        ShellArg? program = null, arguments = null;
        // Read from the words: `-Dexec.args=-rf x` is one word, `-D exec.args=…` two.
        var words = c.Inv.Args;
        for (int i = 0; i < words.Count; i++)
        {
            var w = words[i];
            var text = w.Text == "-D" && i + 1 < words.Count ? words[++i].Text : w.Text.StartsWith("-D", StringComparison.Ordinal) ? w.Text[2..] : null;
            if (text is null) continue;
            if (text.StartsWith("exec.executable=", StringComparison.Ordinal)) program = words[i] with { Text = text["exec.executable=".Length..] };
            else if (text.StartsWith("exec.args=", StringComparison.Ordinal)) arguments = words[i] with { Text = text["exec.args=".Length..] };
        }
        if (program is not { } p) return;
        if (p.Dynamic || arguments is { Dynamic: true })
        {
            EmitUnknownCode("mvn", "exec:exec", "runs a program named on the command line whose words are only known at run time", c.Ctx);
            return;
        }
        RunString(ShellQuoting.Quote(p.Text) + (arguments is { } a ? " " + a.Text : ""), c.Ctx with { Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.None });
    }

    /// <summary>Task runners: deploy-like tasks touch shared state; NAME=value arguments name environments.</summary>
    internal StreamSource? BuildTargets(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Program is "make" or "gmake") MakeCode(c);
        if (op.Program is "mvn" or "mvnw") MavenExec(c);
        if (op.Program is "make" or "gmake" && c.Inv.HasAnyFlag("-n|--dry-run|--just-print|--recon")) return null;
        // dbt names its environment with --target; other arguments (a --state directory called prod-artifacts) do not.
        if (op.Program == "dbt" && c.Inv.OptionValue("--target|-t") is { } target) op.Environment = EnvironmentNames.Detect(target.Text);
        foreach (var p in c.Inv.Positionals)
        {
            if (p.Dynamic) continue;
            var text = p.Text;
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                var value = text[(eq + 1)..];
                op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(value));
                // RM='rm -rf /': a variable the task runs as a command.
                var word = value.Split(' ', 2)[0];
                if (value.Contains(' ', StringComparison.Ordinal) && _knowledge.Knows(word[(word.LastIndexOf('/') + 1)..]))
                    RunString(value, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "task-variable" });
                continue;
            }
            if (text.Contains('/', StringComparison.Ordinal) || text.Contains('.', StringComparison.Ordinal)) continue;
            var first = text.Split('-', ':', '_')[0];
            if (DestroyTasks.Contains(first))
            {
                op.Reason = $"runs the task '{text}', which destroys what it names";
                op.Shared = true;
                op.MinTier = Tier.WriteWithConfirmation;
                op.Tags.Add("destructive");
            }
            else if (DeployTasks.Contains(first))
            {
                op.Reason = $"runs the task '{text}', which deploys or publishes";
                op.Shared = true;
                op.MinTier = Tier.WriteWithConfirmation;
            }
            if (text.Split('-', ':', '_').Skip(1).Any(t => EnvironmentNames.Detect(t) == EnvironmentKind.Production)) op.Environment = EnvironmentKind.Production;
        }
        // A task named for destruction, aimed at production, is the never tier.
        if (op.Tags.Contains("destructive") && op.Environment == EnvironmentKind.Production) op.Class = OperationClass.Destroy;
        return null;
    }
}
