using System.Diagnostics;
using System.Globalization;

namespace Interlock.Cli.Mcp;

/// <summary>The server side of the relay: where client lines go and server messages come from (a child over stdio, or Streamable HTTP).</summary>
internal interface IMcpUpstream : IAsyncDisposable
{
    /// <summary>Starts the upstream; null on success, otherwise why it could not start.</summary>
    Task<string?> StartAsync();

    /// <summary>The next server → client message (one JSON-RPC line), or null when the upstream ended.</summary>
    Task<Line?> ReadAsync();

    /// <summary>Sends one client line unchanged; throws <see cref="IOException"/> when the upstream is gone.</summary>
    Task SendAsync(byte[] line);

    /// <summary>The client is gone: lets the upstream wind down on its own (briefly), then stops it; <see cref="ReadAsync"/> then ends.</summary>
    Task CloseAsync();

    /// <summary>Stops the upstream now (signals, protocol failures); safe to call from a signal handler and more than once.</summary>
    void Kill();

    /// <summary>After the upstream ended by itself: waits for it and describes how it ended, for the log.</summary>
    Task<string> StoppedAsync();
}

/// <summary>A stdio MCP server: a child process whose stdin/stdout carry newline-delimited JSON-RPC.</summary>
// tokenEnv: the --token-env variable, kept out of the server's environment with every INTERLOCK_* (ChildEnvironment).
internal sealed class StdioUpstream(string[] command, string tokenEnv) : IMcpUpstream
{
    private Process? _child;
    private LineReader? _reader;

    public Task<string?> StartAsync()
    {
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        ChildEnvironment.Scrub(psi, tokenEnv);
        try
        {
            _child = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return Task.FromResult<string?>($"cannot start '{command[0]}': {ex.Message}");
        }
        _reader = new LineReader(_child.StandardOutput.BaseStream, McpProxyCommand.MaxLineBytes);
        return Task.FromResult<string?>(null);
    }

    public Task<Line?> ReadAsync() => _reader!.ReadAsync(CancellationToken.None);

    public async Task SendAsync(byte[] line)
    {
        var toServer = _child!.StandardInput.BaseStream;
        await toServer.WriteAsync(line).ConfigureAwait(false);
        toServer.WriteByte((byte)'\n');
        await toServer.FlushAsync().ConfigureAwait(false);
    }

    public async Task CloseAsync()
    {
        // Close the server's stdin, give it a moment to exit on its own, then make sure.
        try { _child!.StandardInput.Close(); } catch (IOException) { }
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _child!.WaitForExitAsync(grace.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        Kill();
    }

    public void Kill()
    {
        try { if (_child is { HasExited: false }) _child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
    }

    public async Task<string> StoppedAsync()
    {
        Kill();
        try { await _child!.WaitForExitAsync().ConfigureAwait(false); } catch (InvalidOperationException) { }
        var exit = _child!.HasExited ? _child.ExitCode.ToString(CultureInfo.InvariantCulture) : "?";
        return $"the upstream server stopped (exit {exit})";
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _child?.Dispose();
        return ValueTask.CompletedTask;
    }
}
