using System.Security.Cryptography;
using System.Text;
using Interlock.Identity;
using Interlock.Server.Gateway;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Web;

/// <summary>
/// Sign-in state of the reviewer UI. The session cookie holds the principal's own token (HttpOnly, SameSite=Strict), so
/// every request re-checks expiry and revocation exactly as the API does and a revoked token ends the session at once.
/// CSRF tokens and flash messages are HMACs under a per-process random key: a restart only asks for a fresh form.
/// </summary>
public sealed class UiSession(GatewayServices services)
{
    public const string SessionCookie = "interlock_session";
    public const string LoginCookie = "interlock_login";
    public const string FlashCookie = "interlock_flash";
    public const string CsrfField = "_csrf";

    /// <summary>A UI session lasts at most this long (less when the token expires sooner).</summary>
    public static readonly TimeSpan MaxSession = TimeSpan.FromHours(12);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The signed-in principal, or null when there is no cookie or its token is no longer usable.</summary>
    public async Task<Principal?> PrincipalAsync(HttpContext c)
    {
        var token = c.Request.Cookies[SessionCookie];
        if (string.IsNullOrEmpty(token)) return null;
        var (principal, _) = await services.Tokens.AuthenticateAsync("Bearer " + token, c.RequestAborted).ConfigureAwait(false);
        return principal is { Role: not Role.Agent } ? principal : null;
    }

    /// <summary>Checks a token typed into the sign-in form; the reason is for the person signing in.</summary>
    public async Task<(Principal? Principal, string? Problem)> SignInAsync(HttpContext c, string token)
    {
        token = token.Trim();
        if (token.Length == 0) return (null, "enter your token");
        var (principal, problem) = await services.Tokens.AuthenticateAsync("Bearer " + token, c.RequestAborted).ConfigureAwait(false);
        if (principal is null) return (null, problem == "the bearer token is not known" ? "that token is not known" : problem);
        if (principal.Role == Role.Agent) return (null, "agent tokens can't sign in to the reviewer UI");
        var now = services.Time.GetUtcNow();
        var until = principal.ExpiresAt - now < MaxSession ? principal.ExpiresAt : now + MaxSession;
        c.Response.Cookies.Append(SessionCookie, token, Cookie(c, until));
        c.Response.Cookies.Delete(LoginCookie, Cookie(c, null));
        return (principal, null);
    }

    public void SignOut(HttpContext c) => c.Response.Cookies.Delete(SessionCookie, Cookie(c, null));

    /// <summary>The CSRF token for forms of the signed-in session (bound to its cookie).</summary>
    public string Csrf(HttpContext c) => Mac("csrf", c.Request.Cookies[SessionCookie] ?? "");

    /// <summary>The CSRF token of the sign-in form, bound to a random pre-login cookie (set here when absent).</summary>
    public string LoginCsrf(HttpContext c)
    {
        var nonce = c.Request.Cookies[LoginCookie];
        if (string.IsNullOrEmpty(nonce))
        {
            nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            c.Response.Cookies.Append(LoginCookie, nonce, Cookie(c, services.Time.GetUtcNow() + TimeSpan.FromHours(1)));
        }
        return Mac("login", nonce);
    }

    /// <summary>Whether the posted form's CSRF field matches the session (or, for sign-in, the pre-login cookie).</summary>
    public bool CheckCsrf(HttpContext c, IFormCollection form, bool login = false)
    {
        var cookie = c.Request.Cookies[login ? LoginCookie : SessionCookie];
        if (string.IsNullOrEmpty(cookie)) return false;
        var expected = Encoding.ASCII.GetBytes(Mac(login ? "login" : "csrf", cookie));
        var sent = Encoding.ASCII.GetBytes(form[CsrfField].ToString());
        return CryptographicOperations.FixedTimeEquals(expected, sent);
    }

    /// <summary>Leaves a one-time message for the next page (signed, so nobody else can plant one).</summary>
    public void SetFlash(HttpContext c, bool ok, string message)
    {
        var body = (ok ? "ok:" : "error:") + message;
        var value = Convert.ToBase64String(Encoding.UTF8.GetBytes(body)).Replace('+', '-').Replace('/', '_').TrimEnd('=') + "." + Mac("flash", body);
        c.Response.Cookies.Append(FlashCookie, value, Cookie(c, services.Time.GetUtcNow() + TimeSpan.FromMinutes(5)));
    }

    /// <summary>The flash message left by the last form post, removed as it is read.</summary>
    public (bool Ok, string Message)? TakeFlash(HttpContext c)
    {
        var value = c.Request.Cookies[FlashCookie];
        if (string.IsNullOrEmpty(value)) return null;
        c.Response.Cookies.Delete(FlashCookie, Cookie(c, null));
        var dot = value.LastIndexOf('.');
        if (dot < 0) return null;
        string body;
        try
        {
            var b64 = value[..dot].Replace('-', '+').Replace('_', '/');
            body = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac("flash", body)), Encoding.ASCII.GetBytes(value[(dot + 1)..]))) return null;
        return body.StartsWith("ok:", StringComparison.Ordinal) ? (true, body[3..]) : body.StartsWith("error:", StringComparison.Ordinal) ? (false, body[6..]) : null;
    }

    private string Mac(string purpose, string value) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose + "\n" + value))).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private CookieOptions Cookie(HttpContext c, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        // Secure when the browser reached us over https (or the operator says the public URL is https, behind a proxy).
        Secure = c.Request.IsHttps || services.PublicUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
