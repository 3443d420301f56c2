using System.Security.Cryptography;
using System.Text;

namespace Interlock.Actions;

/// <summary>
/// An HTTP request as an action (an agent's fetch tool, a webhook call): <c>{"source": "http", "method", "url",
/// "headers", "body"}</c>. It is decided by the same rules as the <c>curl</c> command that would send it
/// (<see cref="AsCurl"/>), so method, host and path classify it exactly as they classify curl.
/// </summary>
public sealed record HttpCall(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body)
{
    /// <summary>Most headers one action may carry.</summary>
    public const int MaxHeaders = 64;

    /// <summary>
    /// The curl command that sends this request. Literal everywhere: the body goes in <c>--data-raw</c> (no <c>@file</c>
    /// reading), and header names are validated tokens, so a header line can never start with <c>@</c>.
    /// </summary>
    public string AsCurl()
    {
        var argv = new List<string> { "curl", "-X", Method };
        foreach (var (name, value) in Headers)
        {
            argv.Add("-H");
            argv.Add(name + ": " + value);
        }
        if (Body is not null)
        {
            argv.Add("--data-raw");
            argv.Add(Body);
        }
        argv.Add("--");
        argv.Add(Url);
        return Shell.ShellQuoting.Join(argv);
    }

    /// <summary>What the approval digest covers: method, URL, every header in order, and the body's hash.</summary>
    public string Canonical()
    {
        var sb = new StringBuilder().Append(Method).Append('\n').Append(Url).Append('\n');
        foreach (var (name, value) in Headers) sb.Append(name).Append(':').Append(value.Length).Append(':').Append(value).Append('\n');
        sb.Append('\n').Append(Body is null ? "-" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body))));
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is an HTTP token (RFC 9110): what a method or a header name may be.</summary>
    public static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
