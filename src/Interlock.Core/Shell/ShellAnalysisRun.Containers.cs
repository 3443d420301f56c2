using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics handlers named by command-knowledge rows (see ProgramSemantics): containers and clusters.
internal sealed partial class ShellAnalysisRun
{
    // ---- containers and clusters ---------------------------------------------------------

    private static readonly string[] ClusterScopedKinds =
        ["ns", "namespace", "namespaces", "pv", "persistentvolume", "persistentvolumes", "pvc", "persistentvolumeclaim", "persistentvolumeclaims",
         "crd", "crds", "customresourcedefinition", "customresourcedefinitions", "node", "nodes", "no", "all", "clusterrole", "clusterroles",
         "clusterrolebinding", "clusterrolebindings", "storageclass", "sc", "statefulset", "statefulsets", "sts", "deployment", "deployments", "deploy"];

    /// <summary>The container daemon this docker/podman/nerdctl command talks to when it is not this machine's own, else null.</summary>
    private string? _containerDaemon;

    private static readonly string[] LocalContainerContexts = ["default", "desktop-linux", "colima", "orbstack", "rancher-desktop", "podman-machine-default", "rootless"];

    /// <summary>
    /// Program level: <c>-H/--host/--url</c>, <c>--context/--connection</c>, DOCKER_HOST, CONTAINER_HOST, DOCKER_CONTEXT,
    /// CONTAINER_CONNECTION pick the daemon. One on another machine (tcp://10.0.3.4:2375, ssh://deploy@prod) holds containers
    /// others depend on, and a context or connection by name may point anywhere: the command's changes there are shared state.
    /// </summary>
    internal StreamSource? ContainerDaemon(SemanticsCall c)
    {
        _containerDaemon = null;
        foreach (var (name, value) in c.Inv.Options)
        {
            if (value is not { } v) continue;
            if (name is "-H" or "--host" or "--url" or "--address") NoteDaemon(v, byName: false);
            else if (name is "--context" or "--connection") NoteDaemon(v, byName: true);
        }
        foreach (var variable in (string[])["DOCKER_HOST", "CONTAINER_HOST", "CONTAINERD_ADDRESS"])
            if (GitVariable(variable, c.Ctx) is { } v) NoteDaemon(v, byName: false);
        foreach (var variable in (string[])["DOCKER_CONTEXT", "CONTAINER_CONNECTION"])
            if (GitVariable(variable, c.Ctx) is { } v) NoteDaemon(v, byName: true);
        return null;
    }

    private void NoteDaemon(ShellArg value, bool byName)
    {
        var text = value.Text.Trim();
        if (text.Length == 0) return;
        bool local = !value.Dynamic && (byName
            ? Array.IndexOf(LocalContainerContexts, text) >= 0
            : text.StartsWith("unix://", StringComparison.Ordinal) || text.StartsWith("npipe://", StringComparison.Ordinal) || text.StartsWith("fd://", StringComparison.Ordinal)
              || text.StartsWith('/') || Hosts.IsLocal(Hosts.Of(text)));
        if (!local) _containerDaemon = value.Display;
    }

    /// <summary>A change made through a daemon elsewhere (<see cref="ContainerDaemon"/>) is a change to shared state.</summary>
    private void ApplyContainerDaemon(string daemon, OperationDraft op)
    {
        if (op.Class == OperationClass.Read) return;
        op.Shared = true;
        op.MinTier = Tiers.Max(op.MinTier ?? Tier.WriteWithConfirmation, Tier.WriteWithConfirmation);
        op.Reason += " on the container daemon at " + daemon;
        op.Targets.Add("daemon/" + daemon);
        op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(daemon));
    }

    internal StreamSource? KubectlDelete(SemanticsCall c)
    {
        var op = c.Op;
        if (c.Inv.HasAnyFlag("--dry-run") || c.Inv.Options.Exists(o => o.Name == "--dry-run"))
        {
            op.Class = OperationClass.Read;
            op.Reason = "previews a delete";
            op.Shared = false;
            op.Irreversible = false;
            return null;
        }
        foreach (var ns in c.Inv.OptionValues("-n|--namespace|--context|--cluster"))
            op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(ns.Text));
        var kind = c.Operands.FirstOrDefault().Text ?? "";
        var bareKind = kind.Split('/')[0].Split('.')[0].ToLowerInvariant();
        bool wide = c.Inv.HasAnyFlag("--all|-A|--all-namespaces") || c.Inv.OptionValue("-l|--selector") is not null && c.Inv.HasAnyFlag("--all-namespaces|-A");
        if (c.Inv.HasAnyFlag("-A|--all-namespaces")) op.Environment = EnvironmentKind.Production;
        if (bareKind is "pod" or "pods" or "po" && !wide && !c.Inv.HasAnyFlag("--all|-A|--all-namespaces|--grace-period=0|--force"))
        {
            // A pod under a controller comes back: deleting one is how pods are restarted.
            op.Class = OperationClass.Update;
            op.Reason = "deletes a pod, which its controller recreates";
            op.Irreversible = false;
            op.MinTier = Tier.WriteWithConfirmation;
            return null;
        }
        if (bareKind is "ns" or "namespace" or "namespaces")
        {
            var names = c.Operands.Skip(1).Select(o => o.Display).ToList();
            if (kind.Contains('/', StringComparison.Ordinal)) names.Add(kind[(kind.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            foreach (var name in names) op.Targets.Add("namespace/" + name);
            op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(string.Join(' ', names)));
        }
        if (ClusterScopedKinds.Contains(bareKind) || wide)
        {
            op.Class = OperationClass.Destroy;
            op.Reason = wide ? "deletes every matching resource" : $"deletes {bareKind} and everything that depends on it";
            op.MinTier = bareKind is "deployment" or "deployments" or "deploy" or "statefulset" or "statefulsets" or "sts" && !wide && op.Environment != EnvironmentKind.Production
                ? Tier.WriteWithConfirmation : Tier.Never;
            if (op.MinTier == Tier.WriteWithConfirmation) op.Class = OperationClass.Delete;
        }
        return null;
    }

    internal StreamSource? KubectlExec(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var env = op.Environment;
        foreach (var v in inv.OptionValues("-n|--namespace|--context|--cluster")) env = EnvironmentNames.Max(env, EnvironmentNames.Detect(v.Text));
        var pod = c.Operands.FirstOrDefault().Text ?? "";
        env = EnvironmentNames.Max(env, EnvironmentNames.Detect(pod));
        op.Environment = env;
        List<ShellArg> inner = inv.AfterDoubleDash >= 0
            ? inv.Args.Skip(inv.AfterDoubleDash).ToList()
            : inv.Positionals.Skip(c.Consumed + 1).ToList();
        op.Targets.Clear();
        op.Targets.Add(pod);
        if (inner.Count == 0)
        {
            op.Reason = "attaches to a pod";
            return null;
        }
        op.Suppressed = true;
        // With -i the pod's command reads our input (a here-document piped in is the script it runs).
        var podInput = inv.HasAnyFlag("-i|--stdin") ? c.Ctx.Stdin : StreamSource.None;
        Dispatch(inner, c.Ctx with { RemoteHost = "pod/" + pod, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = podInput });
        return StreamSource.Unknown;
    }

    /// <summary>
    /// <c>docker inspect NAME</c> prints a container's whole configuration, its environment (where DATABASE_URL and API
    /// keys live) included: a <c>--format</c> template that names <c>Env</c> or the whole <c>Config</c> prints exactly
    /// the secrets, one that names other fields (<c>{{.State.Status}}</c>) reads only those.
    /// </summary>
    internal StreamSource? ContainerInspect(SemanticsCall c)
    {
        var op = c.Op;
        // Images, volumes and networks hold no running service's environment.
        if (c.Inv.OptionValue("--type") is { Dynamic: false, Text: "image" or "volume" or "network" or "node" or "plugin" }) return null;
        var format = c.Inv.OptionValue("-f|--format");
        if (format is { Dynamic: false } f && !TemplatePrintsEnvironment(f.Text)) return null;
        var names = string.Join(", ", c.Operands.Select(o => o.Display));
        op.Tags.Add("secret");
        if (format is not null)
        {
            op.Class = OperationClass.CredentialRead;
            op.Reason = $"prints the environment of container {names}, which holds its secrets";
            return new StreamSource(StreamKind.Secret);
        }
        op.MinTier = Tier.WriteWithConfirmation;
        op.Reason = $"prints the whole configuration of {names}, its environment variables (which often hold secrets) included; a --format template without Env reads the rest";
        return new StreamSource(StreamKind.Secret);
    }

    /// <summary>Whether a Go template prints the environment: it names <c>Env</c>, or prints the whole object or its <c>Config</c>.</summary>
    private static bool TemplatePrintsEnvironment(string template)
    {
        var t = template.Replace(" ", "", StringComparison.Ordinal);
        return t.Contains("Env", StringComparison.Ordinal) || t.Contains(".Config}}", StringComparison.Ordinal) || t.Contains("\"Config\"", StringComparison.Ordinal)
            || t.Contains("{{.}}", StringComparison.Ordinal) || t.Contains("json.}}", StringComparison.Ordinal) || t.Contains(".Config|", StringComparison.Ordinal);
    }

    internal StreamSource? DockerExec(SemanticsCall c)
    {
        var op = c.Op;
        // Re-read exec's own options: for exec, -i/-t/-d are flags (-t is a value option elsewhere in docker, `build -t tag`).
        var args = c.Inv.Args;
        int i = c.Consumed > 0 && c.Inv.PositionalIndexes.Count >= c.Consumed ? c.Inv.PositionalIndexes[c.Consumed - 1] + 1 : 0;
        while (i < args.Count && args[i].Text.Length > 1 && args[i].Text[0] == '-' && !args[i].Dynamic)
        {
            if (args[i].Text == "--") { i++; break; }
            i += args[i].Text is "-e" or "--env" or "--env-file" or "-u" or "--user" or "-w" or "--workdir" or "--detach-keys" ? 2 : 1;
        }
        if (i >= args.Count) return null;
        var container = args[i].Text;
        var env = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(container));
        op.Environment = env;
        op.Targets.Add(container);
        if (i + 1 >= args.Count) return null;
        op.Suppressed = true;
        var inner = args.Skip(i + 1).ToList();
        var containerInput = c.Inv.HasAnyFlag("-i|--interactive") ? c.Ctx.Stdin : StreamSource.None;
        Dispatch(inner, c.Ctx with { RemoteHost = "container/" + container, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = containerInput });
        return StreamSource.Unknown;
    }

    internal StreamSource? DockerRun(SemanticsCall c)
    {
        var op = c.Op;
        var mounts = c.Inv.OptionValues("-v|--volume|--mount").Select(v => v.Text).ToList();
        if (mounts.Count > MaxMounts)
        {
            // Each argument of the inner command is mapped through every mount: thousands of them are work, not a container.
            AddGap("budget", $"more than {MaxMounts} volume mounts (mount budget)", c.Ctx.Text);
            mounts.RemoveRange(MaxMounts, mounts.Count - MaxMounts);
        }
        bool hostRoot = mounts.Exists(m => m.StartsWith("/:", StringComparison.Ordinal) || m.Contains("source=/,", StringComparison.Ordinal) || m.Contains("docker.sock", StringComparison.Ordinal)
            || m.StartsWith("/etc:", StringComparison.Ordinal) || m.StartsWith("/var:", StringComparison.Ordinal) || m.StartsWith("/root", StringComparison.Ordinal));
        if (c.Inv.HasAnyFlag("--privileged|--pid=host|--net=host|--network=host|--cap-add=SYS_ADMIN|--cap-add=ALL|--userns=host") || hostRoot)
        {
            var p = NewDraft("docker", "run", OperationClass.Privilege, hostRoot ? "runs a container with the host's root file system or Docker socket mounted" : "runs a privileged container with host access", c.Ctx);
            p.MinTier = Tier.WriteWithConfirmation;
            Emit(p);
        }
        // A command run over host directories mounted into the container acts on those host paths.
        var hostMounts = new List<(string Host, string Container)>();
        foreach (var m in mounts)
        {
            var parts = m.Split(':');
            if (parts.Length >= 2 && parts[0].Length > 0 && parts[1].StartsWith('/'))
                hostMounts.Add((ResolvePath(ShellArg.Static(parts[0]), c.Ctx), parts[1].TrimEnd('/')));
        }
        // Longest container path first, so /app/data maps before /app; a stable sort, so the first of two equal mounts wins.
        hostMounts = [.. hostMounts.OrderByDescending(m => m.Container.Length)];
        var operands = c.Operands.ToList();
        if (hostMounts.Count > 0 && operands.Count > 1)
        {
            int start = c.Inv.PositionalIndexes[c.Consumed + 1];
            var inner = c.Inv.Args.Skip(start).Select(a => MapMounts(a, hostMounts)).ToList();
            Dispatch(inner, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "container-mount", Stdin = StreamSource.None });
        }
        foreach (var m in mounts)
        {
            var host = m.Split(':')[0];
            if (host.Length == 0) continue;
            var path = ResolvePath(ShellArg.Static(host), c.Ctx);
            if (CredentialIn(path, true) is { } why)
            {
                var cred = NewDraft("docker", "run", OperationClass.CredentialRead, "mounts credentials into a container: " + why, c.Ctx);
                cred.Targets.Add(path);
                cred.PathTargets = true;
                Emit(cred);
            }
        }
        return null;
    }

    private const int MaxMounts = 64;

    /// <summary>Maps a container path to the host path mounted there; <paramref name="mounts"/> is longest container path first.</summary>
    private static ShellArg MapMounts(ShellArg arg, List<(string Host, string Container)> mounts)
    {
        foreach (var (host, container) in mounts)
        {
            var root = container.Length == 0 ? "/" : container;
            if (arg.Text == root) return arg with { Text = host };
            if (arg.Text.StartsWith(root + "/", StringComparison.Ordinal))
                return arg with { Text = host.TrimEnd('/') + arg.Text[root.Length..] };
        }
        return arg;
    }
}
