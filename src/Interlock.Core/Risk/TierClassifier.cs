using Interlock.Actions;

namespace Interlock.Risk;

/// <summary>
/// The Score stage: puts each operation in a permission tier from its class, targets and environment,
/// and measures the action's blast radius. One table of judgments, in one place.
/// </summary>
public sealed class TierClassifier
{
    /// <summary>The tier of one operation and why.</summary>
    public static (Tier Tier, string Why) Classify(Operation op, string workspace, string home)
    {
        var (tier, why) = ByClass(op, workspace, home);
        if (op.MinTier is { } min && min.Rank() > tier.Rank()) (tier, why) = (min, op.Reason);
        if (op.Environment == EnvironmentKind.Production && op.Class is not (OperationClass.Read) && tier.Rank() < Tier.WriteWithConfirmation.Rank())
            (tier, why) = (Tier.WriteWithConfirmation, "changes production");
        // Code a command writes runs later, when someone runs it: what would be refused if it ran is for a reviewer to
        // weigh now, the one time its text is in view; anything less is ordinary code writing.
        if (op.Tags.Contains("written-code"))
            (tier, why) = tier == Tier.Never ? (Tier.WriteWithConfirmation, "writes code that, when run, " + why)
                : tier.Rank() > Tier.WriteAutonomous.Rank() ? (Tier.WriteAutonomous, "writes code") : (tier, why);
        return (tier, why);
    }

    private static (Tier, string) ByClass(Operation op, string ws, string home)
    {
        bool recursive = op.Tags.Contains("recursive");
        switch (op.Class)
        {
            case OperationClass.Read:
                return (Tier.ReadOnly, op.Reason);
            case OperationClass.CredentialRead:
                return (Tier.Never, op.Reason);
            case OperationClass.Exec:
                if (op.Tags.Contains("remote-code") || op.Tags.Contains("obfuscated-code")) return (Tier.Never, op.Reason);
                if (op.Tags.Contains("stdin-code") || op.SharedState) return (Tier.WriteWithConfirmation, op.Reason);
                return WorstPathTier(op, ws, home, Tier.WriteAutonomous, recursive: false, delete: false);
            case OperationClass.Egress:
                if (op.Tags.Contains("secret-exfiltration")) return (Tier.Never, op.Reason);
                if (op.Tags.Contains("local")) return (Tier.WriteAutonomous, op.Reason);
                return (Tier.WriteWithConfirmation, op.Reason);
            case OperationClass.Privilege:
                return op.Tags.Contains("setuid") ? (Tier.Never, op.Reason) : (Tier.WriteWithConfirmation, op.Reason);
            case OperationClass.Create:
            case OperationClass.Update:
                if (op.SharedState) return (Tier.WriteWithConfirmation, op.Reason + " on shared state");
                return WorstPathTier(op, ws, home, Tier.WriteAutonomous, recursive, delete: false);
            case OperationClass.Delete:
                if (op.SharedState)
                {
                    if (op.Environment == EnvironmentKind.Production) return (Tier.Never, op.Reason + " in production");
                    // On another machine the paths still say what is lost: `ssh host 'rm -rf /'` is no routine delete.
                    var onPaths = WorstPathTier(op, ws, home, Tier.WriteWithConfirmation, recursive, delete: true);
                    return onPaths.Item1 == Tier.Never ? onPaths : (Tier.WriteWithConfirmation, op.Reason + " on shared state");
                }
                return WorstPathTier(op, ws, home, Tier.WriteAutonomous, recursive, delete: true);
            case OperationClass.Destroy:
                return (Tier.Never, op.Reason);
            case OperationClass.HistoryRewrite:
                if (op.SharedState) return (Tier.Never, op.Reason);
                if (op.PathTargets)
                {
                    foreach (var t in op.Targets)
                    {
                        var loc = PathLocations.Classify(t, ws, home);
                        if (loc is not (Location.WorkspaceRoot or Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.WorkspaceGit or Location.Temp))
                            return (Tier.Never, op.Reason + " in " + t + ", outside the workspace");
                    }
                }
                return (Tier.WriteWithConfirmation, op.Reason);
            default:
                return (Tier.WriteWithConfirmation, op.Reason);
        }
    }

    private static (Tier, string) WorstPathTier(Operation op, string ws, string home, Tier fallback, bool recursive, bool delete)
    {
        if (!op.PathTargets || op.Targets.Count == 0) return (fallback, op.Reason);
        Tier? worst = null;
        var why = op.Reason;
        for (int k = 0; k < op.Targets.Count; k++)
        {
            var target = op.Targets[k];
            var loc = PathLocations.Classify(target, ws, home);
            // A match anywhere below a directory outside the workspace sweeps a whole tree.
            bool sweep = recursive || (target.Contains("/**", StringComparison.Ordinal) && loc is not (Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.Temp));
            // A mirror (rsync --delete) into the workspace removes files nobody named below its destination.
            bool mirror = !delete && op.Tags.Contains("mirror")
                && loc is Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.WorkspaceRoot or Location.WorkspaceGit or Location.Temp;
            var (t, w) = delete || mirror ? DeleteTier(loc, sweep || mirror, target)
                : op.Class != OperationClass.Exec && IsCriticalFile(target) ? (Tier.Never, "is a file the system needs to boot or authenticate")
                : WriteTier(loc, sweep && op.Class != OperationClass.Create, op.Class == OperationClass.Exec);
            if (!delete && !mirror && t.Rank() < Tier.WriteWithConfirmation.Rank() && WritesDeferredCode(op) && DeferredCodePaths.Describe(target) is { } later)
                (t, w) = (Tier.WriteWithConfirmation, later + ": code that runs later, unseen");
            // `mv ~/project /tmp/x`: a move takes its sources away from where everything else expects them.
            if (loc == Location.WorkspaceRoot && op.Tags.Contains("move-to-last") && k < op.Targets.Count - 1 && t.Rank() < Tier.WriteWithConfirmation.Rank())
                (t, w) = (Tier.WriteWithConfirmation, "is the workspace itself, moved away");
            if (worst is null || t.Rank() > worst.Value.Rank())
            {
                worst = t;
                why = $"{op.Reason}: {Shell.ShellArg.DisplayText(target)} {w}";
            }
        }
        return (worst is { } found && found.Rank() >= fallback.Rank() ? found : fallback, why);
    }

    /// <summary>Programs that change a file's metadata or make empty files and directories: they store no code.</summary>
    private static readonly System.Collections.Frozen.FrozenSet<string> ContentlessWriters = System.Collections.Frozen.FrozenSet.ToFrozenSet(
        ["mkdir", "touch", "chmod", "chown", "chgrp", "chattr", "setfacl", "utime", "rmdir", "mktemp"], StringComparer.Ordinal);

    /// <summary>Whether <paramref name="program"/> writes no content (metadata, empty files, directories): what it touches holds no new code.</summary>
    internal static bool StoresNoContent(string program) => ContentlessWriters.Contains(program);

    /// <summary>Whether the operation puts content into its targets (a startup file written is code; one made executable is not new code).</summary>
    private static bool WritesDeferredCode(Operation op) =>
        op.Class is OperationClass.Create or OperationClass.Update && !StoresNoContent(op.Program);

    private static (Tier, string) DeleteTier(Location loc, bool recursive, string target) => loc switch
    {
        Location.Unknown => recursive ? (Tier.Never, "is only known at run time, and the delete is recursive") : (Tier.WriteWithConfirmation, "is only known at run time"),
        Location.Root => (Tier.Never, "is the root directory"),
        Location.System => (Tier.Never, "is a system directory"),
        Location.Device => (Tier.Never, "is a device"),
        Location.Home => (Tier.Never, "is the home directory"),
        Location.WorkspaceRoot => (Tier.Never, "is the workspace itself"),
        Location.WorkspaceGit => (Tier.Never, "is the repository's history (.git)"),
        Location.HomeContent or Location.Outside => recursive ? (Tier.Never, "is outside the workspace") : (Tier.WriteWithConfirmation, "is outside the workspace"),
        Location.Temp or Location.WorkspaceRegenerable => (Tier.WriteAutonomous, "is regenerable or scratch"),
        Location.WorkspaceContent => recursive && !LooksLikeFile(target) ? (Tier.WriteWithConfirmation, "is a directory of source in the workspace") : (Tier.WriteAutonomous, "is a file in the workspace"),
        _ => (Tier.WriteWithConfirmation, "is an unrecognized location"),
    };

    private static readonly string[] CriticalFiles =
        ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers", "/etc/fstab", "/etc/crypttab", "/proc/sysrq-trigger", "/etc/ld.so.preload", "/etc/pam.d/", "/boot/", "/proc/sys/", "/sys/", "/etc/ssh/sshd_config"];

    private static bool IsCriticalFile(string path) =>
        CriticalFiles.Any(f => f.EndsWith('/') ? path.StartsWith(f, StringComparison.Ordinal) : path == f);

    private static (Tier, string) WriteTier(Location loc, bool recursive, bool exec) => loc switch
    {
        Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.WorkspaceRoot or Location.Temp => (Tier.WriteAutonomous, "is in the workspace"),
        Location.Device => exec ? (Tier.WriteWithConfirmation, "is a device") : (Tier.Never, "is a raw device"),
        // Copying files into a system directory is a deploy; changing a system tree recursively (chmod -R, chown -R) is not.
        Location.Root or Location.System => recursive ? (Tier.Never, "is a system directory, changed recursively") : (Tier.WriteWithConfirmation, "is a system location"),
        Location.WorkspaceGit => (Tier.WriteWithConfirmation, "is inside .git"),
        // chmod -R 777 ~ opens every key and token in the home directory to every user.
        Location.Home when recursive => (Tier.Never, "is the home directory, changed recursively"),
        _ => exec ? (Tier.WriteAutonomous, "is a script") : (Tier.WriteWithConfirmation, "is outside the workspace"),
    };

    private static bool LooksLikeFile(string path)
    {
        var leaf = path[(path.LastIndexOf('/') + 1)..];
        int dot = leaf.LastIndexOf('.');
        return dot > 0 && dot < leaf.Length - 1 && !leaf.Contains('*', StringComparison.Ordinal);
    }


    /// <summary>
    /// The action's tier (the worst of its operations, at least write-with-confirmation when analysis has gaps) and blast
    /// radius (<see cref="BlastScorer"/>), with coupling from <paramref name="map"/> when there is one.
    /// </summary>
    public static RiskAssessment Assess(ActionFacts facts, ResourceMap? map = null)
    {
        var ws = facts.Request.Cwd ?? "/";
        var home = facts.Request.Home ?? "/root";
        var tier = Tier.ReadOnly;
        var reasons = new List<string>();
        bool shared = false, irreversible = false, outside = false;
        var env = EnvironmentKind.Unknown;
        List<string>? touched = null;
        foreach (var op in facts.Operations)
        {
            var (t, why) = Classify(op, ws, home);
            tier = Tiers.Max(tier, t);
            // Blast counts what changes: reading a shared database reaches nothing, and code only written (not run) acts later.
            bool changes = op.Class != OperationClass.Read && !op.Tags.Contains("written-code");
            shared |= changes && op.SharedState;
            irreversible |= changes && !op.Reversible;
            if (changes && op.Environment > env) env = op.Environment;
            if (op.PathTargets && changes)
            {
                foreach (var target in op.Targets)
                {
                    var loc = PathLocations.Classify(target, ws, home);
                    outside |= loc is not (Location.WorkspaceContent or Location.WorkspaceRegenerable or Location.Temp);
                }
            }
            if (map is { IsEmpty: false } && changes)
                foreach (var target in op.Targets)
                    foreach (var r in map.Matching(target))
                        if (!(touched ??= []).Contains(r.Id)) touched.Add(r.Id);
            if (t != Tier.ReadOnly || op.Class != OperationClass.Read) reasons.Add($"{Tiers.WireName(t)}: {why}");
        }
        foreach (var gap in facts.Gaps)
        {
            tier = Tiers.Max(tier, Tier.WriteWithConfirmation);
            reasons.Add($"not understood: {gap.Detail}");
        }
        if (facts.Operations.Count == 0 && facts.Gaps.Count == 0 && facts.Request.Source == ActionSource.Shell)
            reasons.Add("nothing to run");

        IReadOnlyList<MappedResource> downstream = [];
        if (touched is not null && map is not null)
        {
            var reached = new List<MappedResource>();
            foreach (var id in touched)
            {
                if (map.Find(id) is { } r && r.Environment > env) env = r.Environment;
                foreach (var d in map.Downstream(id))
                    if (!touched.Contains(d.Id) && !reached.Contains(d)) reached.Add(d);
            }
            downstream = reached;
        }
        var scope = env == EnvironmentKind.Production ? "production" : shared ? "shared" : outside ? "machine" : tier == Tier.ReadOnly ? "none" : "workspace";
        var blast = BlastScorer.Score(tier, scope, irreversible ? Reversibility.Irreversible : Reversibility.Reversible, shared, env, touched ?? [], downstream);
        return new RiskAssessment(tier, blast, reasons);
    }
}
