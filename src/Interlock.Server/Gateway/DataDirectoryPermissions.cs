using Interlock.Server.Identity;
using Interlock.Storage.Sqlite;

namespace Interlock.Server.Gateway;

/// <summary>
/// Keeps the gateway's data owner-only: the directory 0700; the admin token, the signing key and the databases (with
/// their <c>-wal</c>/<c>-shm</c>) 0600. New files are created so; a looser mode found at start is tightened and logged.
/// </summary>
public static class DataDirectoryPermissions
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The secret files, by name in the data directory.</summary>
    public static IReadOnlyList<string> SecretFiles { get; } =
    [
        AdminBootstrap.TokenFile, SqliteAuditStore.PrivateKeyFile,
        SqliteAuditStore.DatabaseFile, SqliteAuditStore.DatabaseFile + "-wal", SqliteAuditStore.DatabaseFile + "-shm",
        SqliteGatewayStore.DatabaseFile, SqliteGatewayStore.DatabaseFile + "-wal", SqliteGatewayStore.DatabaseFile + "-shm",
    ];

    /// <summary>
    /// Before the stores open: the directory exists with mode 0700 and the databases exist (empty when new) with 0600,
    /// so SQLite, which gives its <c>-wal</c> and <c>-shm</c> the database's mode, never creates a readable one.
    /// </summary>
    public static void Prepare(string directory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, DirectoryMode);
        foreach (var db in new[] { SqliteAuditStore.DatabaseFile, SqliteGatewayStore.DatabaseFile })
        {
            var path = Path.Combine(directory, db);
            if (File.Exists(path)) continue;
            using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        Tighten(directory, log);
    }

    /// <summary>Sets the directory to 0700 and each secret file present to 0600 when they are looser, with a log line for each.</summary>
    public static void Tighten(string directory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (OperatingSystem.IsWindows()) return;
        Fix(directory, DirectoryMode, log);
        foreach (var name in SecretFiles)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) Fix(path, FileMode, log);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Fix(string path, UnixFileMode wanted, TextWriter log)
    {
        var mode = File.GetUnixFileMode(path);
        // Only the permission bits count: setuid/setgid/sticky are not ours to judge here.
        var bits = mode & (UnixFileMode)0x1FF;
        if ((bits & ~wanted) == 0) return;
        File.SetUnixFileMode(path, wanted);
        log.WriteLine($"interlock: {path} was mode {Octal(bits)}, readable by others than the gateway's user; set it to {Octal(wanted)}");
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
