using System.CommandLine;
using Interlock.Cli.Audit;
using Interlock.Cli.Check;
using Interlock.Cli.Policies;

var root = new RootCommand("Interlock: a pre-execution safety gate for AI agents.")
{
    CheckCommand.Create(),
    PolicyCommand.Create(),
    AuditCommand.Create(),
};
try
{
    return root.Parse(args).Invoke();
}
catch (Exception ex)
{
    // Fail closed: an internal error is exit 1, never an allow.
    Console.Error.WriteLine($"interlock: internal error: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
