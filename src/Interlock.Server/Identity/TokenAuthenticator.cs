using System.Collections.Concurrent;
using Interlock.Identity;
using Interlock.Storage;

namespace Interlock.Server.Identity;

/// <summary>
/// Resolves a bearer token to its principal. Lookups are cached for <see cref="CacheFor"/> so the hot path doesn't
/// query the store per request; a revocation or rotation made through this server drops the entry at once, one made
/// through another replica takes effect within <see cref="CacheFor"/>. Expiry is checked on every call.
/// </summary>
public sealed class TokenAuthenticator(IPrincipalStore store, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Principal? Principal, DateTimeOffset Fetched)> _cache = new(StringComparer.Ordinal);

    /// <summary>The principal, or the reason (for a 401) the token is not accepted.</summary>
    public async ValueTask<(Principal? Principal, string? Problem)> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorization)) return (null, "missing Authorization header: send 'Authorization: Bearer TOKEN'");
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return (null, "the Authorization header must be 'Bearer TOKEN'");
        var token = authorization[7..].Trim();
        if (token.Length is 0 or > 512) return (null, "the bearer token is empty or too long");
        var hash = AccessTokens.Hash(token);
        var now = time.GetUtcNow();
        Principal? principal;
        if (_cache.TryGetValue(hash, out var cached) && now - cached.Fetched < CacheFor)
        {
            principal = cached.Principal;
        }
        else
        {
            principal = await store.FindByTokenHashAsync(hash, cancellationToken).ConfigureAwait(false);
            if (_cache.Count > 10_000) _cache.Clear();
            _cache[hash] = (principal, now);
        }
        if (principal is null) return (null, "the bearer token is not known");
        return principal.Unusable(now) is { } why ? (null, why) : (principal, null);
    }

    /// <summary>Forgets cached lookups (after a rotation or revocation).</summary>
    public void Invalidate() => _cache.Clear();
}
