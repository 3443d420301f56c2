using System.Collections.Frozen;

namespace Interlock.Shell;

/// <summary>One call of a semantics handler: the invocation, the operation its row produced (null for program-level handlers), and the context.</summary>
internal readonly record struct SemanticsCall(Invocation Inv, OperationDraft? Draft, CallContext Ctx, int Consumed)
{
    public OperationDraft Op => Draft ?? throw new InvalidOperationException("program-level semantics have no operation");

    /// <summary>Positionals after the subcommand path.</summary>
    public IEnumerable<ShellArg> Operands => Inv.Positionals.Skip(Consumed);
}

/// <summary>
/// Named handlers that read what a table row cannot: refspecs, SQL, URLs, inline code, nested commands.
/// Rows name them in <see cref="Knowledge.CommandRow.Semantics"/>; a program-level handler returning non-null ends the analysis of that command.
/// </summary>
internal static class ProgramSemantics
{
    private static readonly FrozenDictionary<string, Func<ShellAnalysisRun, SemanticsCall, StreamSource?>> Handlers =
        new Dictionary<string, Func<ShellAnalysisRun, SemanticsCall, StreamSource?>>(StringComparer.Ordinal)
        {
            ["rm"] = (r, c) => r.Rm(c),
            ["dd"] = (r, c) => r.Dd(c),
            ["move"] = (r, c) => r.Move(c),
            ["copy"] = (r, c) => r.Copy(c),
            ["link"] = (r, c) => r.Copy(c, link: true),
            ["chmod"] = (r, c) => r.Chmod(c),
            ["sed"] = (r, c) => r.Sed(c),
            ["tar"] = (r, c) => r.Tar(c),
            ["archive"] = (r, c) => r.Archive(c),
            ["patch"] = (r, c) => r.Patch(c),
            ["unzip"] = (r, c) => r.Unzip(c),
            ["first-operand"] = (_, c) => ShellAnalysisRun.FirstOperand(c),
            ["listing"] = (r, c) => r.Listing(c),
            ["path-text"] = (r, c) => r.PathText(c),
            ["find"] = (r, c) => r.Find(c),
            ["rsync"] = (r, c) => r.Rsync(c),
            ["reader"] = (r, c) => r.Reader(c),
            ["printer"] = (r, c) => r.Printer(c),
            ["script"] = (r, c) => r.Source(c),
            ["git"] = (r, c) => r.GitConfig(c),
            ["git-push"] = (r, c) => r.GitPush(c),
            ["git-checkout"] = (r, c) => r.GitCheckout(c),
            ["git-branch-force"] = (r, c) => r.GitBranchForce(c),
            ["git-fetch-refspecs"] = (r, c) => r.GitFetchRefspecs(c),
            ["git-add"] = (r, c) => r.GitAdd(c),
            ["platform-upload"] = (r, c) => r.PlatformUpload(c),
            ["name-lookup"] = (r, c) => r.NameLookup(c),
            ["kubectl-delete"] = (r, c) => r.KubectlDelete(c),
            ["kubectl-exec"] = (r, c) => r.KubectlExec(c),
            ["docker-exec"] = (r, c) => r.DockerExec(c),
            ["container-inspect"] = (r, c) => r.ContainerInspect(c),
            ["container-daemon"] = (r, c) => r.ContainerDaemon(c),
            ["package-project"] = (r, c) => r.PackageProject(c),
            ["package-manifest"] = (r, c) => r.PackageManifest(c),
            ["docker-run"] = (r, c) => r.DockerRun(c),
            ["sql"] = (r, c) => r.Sql(c),
            ["redis"] = (r, c) => r.Redis(c),
            ["mongo"] = (r, c) => r.Mongo(c),
            ["curl"] = (r, c) => r.Curl(c),
            ["wget"] = (r, c) => r.Wget(c),
            ["httpie"] = (r, c) => r.Httpie(c),
            ["raw-socket"] = (r, c) => r.RawSocket(c),
            ["remote-copy"] = (r, c) => r.RemoteCopy(c),
            ["ssh"] = (r, c) => r.Ssh(c),
            ["interpreter"] = (r, c) => r.Interpreter(c),
            ["shell"] = (r, c) => r.Shell(c),
            ["dashdash-command"] = (r, c) => r.DashDashCommand(c),
            ["gh-api"] = (r, c) => r.GhApi(c),
            ["s3-transfer"] = (r, c) => r.S3Transfer(c),
            ["object-download"] = (r, c) => r.ObjectDownload(c),
            ["extract-here"] = (r, c) => r.ExtractHere(c),
            ["build-targets"] = (r, c) => r.BuildTargets(c),
            ["load-test"] = (r, c) => r.LoadTest(c),
            ["database-targets"] = (r, c) => ShellAnalysisRun.DatabaseTargets(c),
            ["editor"] = (r, c) => r.Editor(c),
            ["sql-positional"] = (r, c) => r.SqlPositional(c),
            ["remote-shell"] = (r, c) => r.RemoteShell(c),
            ["scan"] = (r, c) => r.Scan(c),
            ["clipboard"] = (r, c) => r.Clipboard(c),
            ["journal"] = (r, c) => r.Journal(c),
            ["runner"] = (r, c) => r.Runner(c),
            ["defaults-delete"] = (r, c) => ShellAnalysisRun.DefaultsDelete(c),
            ["terminal-multiplexer"] = (r, c) => r.TerminalMultiplexer(c),
            ["grpc"] = (r, c) => r.Grpc(c),
            ["spark"] = (r, c) => r.Spark(c),
            ["awk"] = (r, c) => r.Awk(c),
            ["fd"] = (r, c) => r.Fd(c),
            ["cmake"] = (r, c) => r.Cmake(c),
            ["container-mass"] = (r, c) => ShellAnalysisRun.ContainerMass(c),
            ["java-jar"] = (r, c) => r.JavaJar(c),
            ["ansible"] = (r, c) => r.Ansible(c),
            ["mktemp"] = (r, c) => r.Mktemp(c),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names rows may use; tests check every row's name is here.</summary>
    public static IEnumerable<string> Names => Handlers.Keys;

    public static StreamSource? Apply(string name, ShellAnalysisRun run, Invocation inv, OperationDraft? draft, CallContext ctx, int consumed)
    {
        if (!Handlers.TryGetValue(name, out var handler))
        {
            run.AddGap("internal-error", $"command knowledge names semantics '{name}', which does not exist");
            return StreamSource.Unknown;
        }
        return handler(run, new SemanticsCall(inv, draft, ctx, consumed));
    }
}
