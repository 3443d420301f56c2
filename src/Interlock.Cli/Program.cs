using System.CommandLine;
using Interlock.Cli.Approvals;
using Interlock.Cli.Audit;
using Interlock.Cli.Check;
using Interlock.Cli.Exec;
using Interlock.Cli.Hooks;
using Interlock.Cli.Mcp;
using Interlock.Cli.Policies;
using Interlock.Cli.Serve;

var root = new RootCommand("Interlock: a pre-execution safety gate for AI agents.")
{
    CheckCommand.Create(),
    CheckCommand.Create(plan: true),
    Interlock.Cli.Map.MapCommand.Create(),
    PolicyCommand.Create(),
    AuditCommand.Create(),
    HookCommand.Create(),
    InitCommand.Create(),
    ExecCommand.Create(),
    McpProxyCommand.Create(),
    ServeCommand.Create(),
    ApprovalsCommand.Create(),
    Interlock.Cli.Knowledge.KnowledgeCommand.Create(),
};
try
{
    // Our own handler below, so a fault is one line on stderr and exit 1, never a stack trace on stdout.
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex)
{
    // Fail closed: an internal error is exit 1, never an allow.
    var cause = ex;
    while (cause.InnerException is not null) cause = cause.InnerException;
    Console.Error.WriteLine($"interlock: internal error: {cause.GetType().Name}: {cause.Message}");
    return 1;
}
