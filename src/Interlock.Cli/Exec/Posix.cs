using System.Runtime.InteropServices;

namespace Interlock.Cli.Exec;

/// <summary>The few libc calls exec needs: signalling a whole process group.</summary>
internal static partial class Posix
{
    // Same numbers on Linux and macOS.
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process in group <paramref name="pgid"/>; false when none is left.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && Kill(-pgid, signal) == 0;

    /// <summary>Whether any process of group <paramref name="pgid"/> is still alive (signal 0 probes).</summary>
    public static bool GroupAlive(int pgid) => SignalGroup(pgid, 0);

    /// <summary>Sends a signal to one process.</summary>
    public static bool SignalProcess(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;

    public static string SignalName(int signal) => signal switch
    {
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        SIGQUIT => "SIGQUIT",
        SIGKILL => "SIGKILL",
        SIGTERM => "SIGTERM",
        _ => "signal " + signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
