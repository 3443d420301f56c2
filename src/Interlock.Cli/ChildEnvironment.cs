using System.Diagnostics;

namespace Interlock.Cli;

/// <summary>Keeps Interlock's own variables (its agent token above all) out of the processes it starts for the agent.</summary>
internal static class ChildEnvironment
{
    public const string DefaultTokenEnv = "INTERLOCK_TOKEN";

    /// <summary>
    /// Removes every <c>INTERLOCK_*</c> variable and <paramref name="tokenEnv"/> from <paramref name="psi"/>'s environment:
    /// a command or MCP server run for the agent could otherwise read the token and ask the gateway for itself.
    /// </summary>
    public static void Scrub(ProcessStartInfo psi, string? tokenEnv)
    {
        ArgumentNullException.ThrowIfNull(psi);
        // Reading Environment materializes the inherited variables, so removals below apply to the child.
        var names = psi.Environment.Keys.Where(k => k.StartsWith("INTERLOCK_", StringComparison.Ordinal) || string.Equals(k, tokenEnv, StringComparison.Ordinal)).ToList();
        foreach (var name in names) psi.Environment.Remove(name);
    }
}
