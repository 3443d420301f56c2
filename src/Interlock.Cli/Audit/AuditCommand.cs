using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Interlock.Audit;
using Interlock.Storage;
using Interlock.Storage.Sqlite;

namespace Interlock.Cli.Audit;

/// <summary><c>interlock audit verify|export</c>: offline checks of the tamper-evident audit log.</summary>
internal static class AuditCommand
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Tampered = 2;

    public static Command Create()
    {
        var cmd = new Command("audit", "The tamper-evident audit log: verify its hash chain and signed checkpoints, export it.")
        {
            CreateVerify(),
            CreateExport(),
            CreateWriteDemo(),
        };
        return cmd;
    }

    private static Command CreateVerify()
    {
        var data = new Option<string?>("--data") { Description = "Data directory holding audit.db (read-only)." };
        var export = new Option<string?>("--export") { Description = "A JSON Lines export file to verify instead." };
        var key = new Option<string?>("--public-key") { Description = "PEM public key to check checkpoint signatures with (default: the data directory's key, or the one the export carries)." };
        var cmd = new Command("verify", "Check the chain and checkpoints; print 'ok: …' (exit 0) or 'FAILED at sequence S: …' (exit 2); exit 1 on usage or I/O errors.")
        {
            data, export, key,
        };
        cmd.SetAction(parse => Verify(parse.GetValue(data), parse.GetValue(export), parse.GetValue(key), Console.Out, Console.Error));
        return cmd;
    }

    private static Command CreateExport()
    {
        var data = new Option<string>("--data") { Description = "Data directory holding audit.db.", Required = true };
        var output = new Option<string?>("--out") { Description = "File to write (default: standard output)." };
        var cmd = new Command("export", "Write the audit log (records and checkpoints) as JSON Lines.")
        {
            data, output,
        };
        cmd.SetAction(parse => Export(parse.GetValue(data)!, parse.GetValue(output), Console.Error));
        return cmd;
    }

    /// <summary>Hidden: appends N demo records, printing each sequence as soon as it is durable (for crash tests).</summary>
    private static Command CreateWriteDemo()
    {
        var data = new Option<string>("--data") { Required = true };
        var count = new Option<int>("--count") { DefaultValueFactory = _ => 1000 };
        var writers = new Option<int>("--writers") { DefaultValueFactory = _ => 4 };
        var cmd = new Command("_write-demo", "Test helper.") { data, count, writers };
        cmd.Hidden = true;
        cmd.SetAction(parse => WriteDemo(parse.GetValue(data)!, parse.GetValue(count), parse.GetValue(writers)));
        return cmd;
    }

    internal static int Verify(string? data, string? export, string? keyFile, TextWriter output, TextWriter error)
    {
        if ((data is null) == (export is null))
        {
            error.WriteLine("interlock audit verify: give exactly one of --data DIR or --export FILE");
            return Error;
        }
        ECDsa? key = null;
        try
        {
            if (keyFile is not null) key = CheckpointSigner.ImportPublicKeyPem(File.ReadAllText(keyFile));
            AuditVerification result;
            if (data is not null)
            {
                result = SqliteAuditStore.Verify(data, key);
            }
            else
            {
                using var reader = new StreamReader(export!);
                result = AuditExport.Verify(reader, key);
                if (result.Ok && key is null) error.WriteLine("note: checkpoints were checked with the key the export carries; pass --public-key to check them against a key you trust");
            }
            output.WriteLine(AuditExport.Describe(result));
            return result.Ok ? Ok : Tampered;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            error.WriteLine($"interlock audit verify: {ex.Message}");
            return Error;
        }
        finally
        {
            key?.Dispose();
        }
    }

    internal static int Export(string data, string? outFile, TextWriter error)
    {
        try
        {
            long count;
            if (outFile is null)
            {
                using var stdout = Console.OpenStandardOutput();
                count = SqliteAuditStore.ExportAsync(data, stdout).GetAwaiter().GetResult();
            }
            else
            {
                using var file = new FileStream(outFile, FileMode.Create, FileAccess.Write);
                count = SqliteAuditStore.ExportAsync(data, file).GetAwaiter().GetResult();
                file.Flush(flushToDisk: true);
                error.WriteLine($"exported {count} records to {outFile}");
            }
            return Ok;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or AuditFormatException)
        {
            error.WriteLine($"interlock audit export: {ex.Message}");
            return Error;
        }
    }

    private static int WriteDemo(string data, int count, int writers)
    {
        var stdout = Console.Out;
        var gate = new Lock();
        var store = SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = data, CheckpointEveryRecords = 100 }).GetAwaiter().GetResult();
        var next = 0;
        var tasks = Enumerable.Range(0, Math.Max(1, writers)).Select(w => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var n && n <= count)
            {
                var record = await store.AppendAsync(AuditEntry.Note($"demo {n}", agent: $"writer-{w}", session: "demo")).ConfigureAwait(false);
                lock (gate)
                {
                    stdout.WriteLine(record.Sequence.ToString(CultureInfo.InvariantCulture) + " " + record.Hash);
                    stdout.Flush();
                }
            }
        })).ToArray();
        Task.WaitAll(tasks);
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Ok;
    }
}
