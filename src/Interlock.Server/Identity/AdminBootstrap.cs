using Interlock.Identity;
using Interlock.Storage;

namespace Interlock.Server.Identity;

/// <summary>First start: creates the <c>admin</c> principal and writes its token to <c>DATA/admin.token</c> (mode 0600).</summary>
public static class AdminBootstrap
{
    public const string TokenFile = "admin.token";

    /// <summary>The token file's path when a token was created now; null when principals already exist.</summary>
    public static async Task<string?> EnsureAdminAsync(IPrincipalStore store, string dataDirectory, TimeProvider time, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if ((await store.ListAsync(cancellationToken).ConfigureAwait(false)).Count > 0) return null;
        var token = AccessTokens.Create();
        var now = time.GetUtcNow();
        var admin = new Principal
        {
            Id = AccessTokens.NewId("prn_"), Name = "admin", Role = Role.Admin, TokenHash = AccessTokens.Hash(token),
            CreatedAt = now, ExpiresAt = now + ttl,
        };
        var path = Path.Combine(dataDirectory, TokenFile);
        // The file first: a crash between the two leaves no admin without a token anyone can read.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync(token.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (!await store.CreateAsync(admin, cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException("could not create the admin principal: the name 'admin' is taken");
        return path;
    }
}
