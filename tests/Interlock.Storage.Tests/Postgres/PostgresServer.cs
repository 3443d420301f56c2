using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Interlock.Storage.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL 15 server for tests, started once per test run (xUnit collection fixture <see cref="PostgresCollection"/>)
/// from Debian's binaries in /usr/lib/postgresql/15/bin: initdb into a temp directory owned by the server user
/// (<c>postgres</c> when the tests run as root, since initdb refuses root; the current user otherwise), listening only on
/// 127.0.0.1 on a free port with trust authentication for loopback, no unix socket. Stopped (<c>pg_ctl stop -m immediate</c>)
/// and deleted on dispose. Tests create their own databases with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "interlock-pg-" + Guid.NewGuid().ToString("N"));
    private string DataDirectory => Path.Combine(_root, "data");
    private bool _asPostgres;

    public int Port { get; private set; }

    /// <summary>A connection string to <paramref name="database"/> as the superuser <c>postgres</c>, no pooling.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = false }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")) || !File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
            throw new InvalidOperationException($"PostgreSQL 15 binaries are missing from {BinDirectory}: install the Debian package postgresql-15 (apt-get install postgresql) to run these tests");
        _asPostgres = Environment.UserName == "root";
        Directory.CreateDirectory(_root);
        if (_asPostgres) await RunAsync("chown", ["postgres", _root], asPostgres: false);
        Port = FreePort();
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], _asPostgres);
        // Loopback only, trust for loopback only, no unix socket (its default directory may not be writable).
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {Port}\nunix_socket_directories = ''\nfsync = off\nshared_buffers = 16MB\n");
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
        if (_asPostgres) await RunAsync("chown", ["postgres", Path.Combine(DataDirectory, "pg_hba.conf")], asPostgres: false);
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(_root, "log"), "-w", "-t", "60", "start"], _asPostgres);
    }

    /// <summary>Creates database <paramref name="name"/> and runs <paramref name="setup"/> in it; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, string setup)
    {
        await ExecuteAsync(ConnectionString(), $"CREATE DATABASE {name}");
        var cs = ConnectionString(name);
        await ExecuteAsync(cs, setup);
        return cs;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], _asPostgres);
        }
        finally
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", program }) info.ArgumentList.Add(a);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
    }
}

/// <summary>Tests that share the one PostgreSQL server of the run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
