using System.Security.Cryptography;
using System.Text;

namespace Interlock.Identity;

/// <summary>What a principal may do: agents ask, reviewers decide, auditors read the log, admins manage principals.</summary>
public enum Role { Agent, Reviewer, Auditor, Admin }

/// <summary>Wire names of <see cref="Role"/>.</summary>
public static class Roles
{
    public static string WireName(this Role role) => role switch
    {
        Role.Agent => "agent",
        Role.Reviewer => "reviewer",
        Role.Auditor => "auditor",
        _ => "admin",
    };

    public static bool TryParse(string? text, out Role role)
    {
        switch (text)
        {
            case "agent": role = Role.Agent; return true;
            case "reviewer": role = Role.Reviewer; return true;
            case "auditor": role = Role.Auditor; return true;
            case "admin": role = Role.Admin; return true;
            default: role = Role.Agent; return false;
        }
    }
}

/// <summary>An identity that holds a token. Only the token's SHA-256 is kept; the token itself is shown once.</summary>
public sealed record Principal
{
    public required string Id { get; init; }
    /// <summary>Unique among principals; agents' names are the agent identity policies and audit records see.</summary>
    public required string Name { get; init; }
    public required Role Role { get; init; }
    public required string TokenHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Why the principal's token is not usable at <paramref name="now"/>, or null when it is.</summary>
    public string? Unusable(DateTimeOffset now) =>
        RevokedAt is not null ? "the token was revoked"
        : now >= ExpiresAt ? "the token has expired"
        : null;
}

/// <summary>Bearer tokens: 256 random bits with a recognisable prefix, stored only as a hash.</summary>
public static class AccessTokens
{
    public const string Prefix = "ilk_";

    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The SHA-256 of the token, lowercase hex: what the store keeps and looks up by.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new random identifier with a type prefix (<c>prn_</c>, <c>apr_</c>, <c>act_</c> …).</summary>
    public static string NewId(string prefix)
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }
}
