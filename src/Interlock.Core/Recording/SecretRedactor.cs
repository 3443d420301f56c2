using System.Text;
using System.Text.RegularExpressions;
using Interlock.Knowledge;

namespace Interlock.Recording;

/// <summary>One row of the redaction table: what it finds, and which group (0 = the whole match) is replaced.</summary>
public sealed record RedactionPattern(string Kind, Regex Regex, int Group = 0);

/// <summary>
/// Removes secrets from text bound for a recording: the values of secret-named environment variables, and whatever the
/// pattern table below recognizes (cloud keys, tokens, private key blocks, password assignments). Each hit becomes
/// <c>[REDACTED:kind]</c>. The live stream is never touched; only what is written down.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>Environment values shorter than this are not redacted (<c>1</c>, <c>true</c> would wreck the recording).</summary>
    public const int MinSecretValueLength = 6;

    /// <summary>The pattern table, in the order it is applied.</summary>
    public static IReadOnlyList<RedactionPattern> Patterns { get; } =
    [
        new("private-key", PrivateKeyBlock()),
        new("aws-access-key", AwsAccessKey()),
        new("github-token", GitHubToken()),
        new("github-token", GitHubFineGrained()),
        new("bearer-token", Bearer(), 1),
        new("password", PasswordPair(), 1),
    ];

    private readonly (string Name, string Value)[] _values;

    /// <summary>A redactor for the given secret values (name → value); names only label the replacement.</summary>
    public SecretRedactor(IEnumerable<KeyValuePair<string, string>> secretValues)
    {
        ArgumentNullException.ThrowIfNull(secretValues);
        _values = [.. secretValues
            .Where(kv => kv.Value.Length >= MinSecretValueLength)
            .Select(kv => (kv.Key, kv.Value))
            .DistinctBy(kv => kv.Value, StringComparer.Ordinal)
            .OrderByDescending(kv => kv.Value.Length)];
    }

    /// <summary>Secret-named variables (by <see cref="CredentialPaths.IsSecretName"/>) of an environment.</summary>
    public static SecretRedactor FromEnvironment(IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new SecretRedactor(environment.Where(kv => CredentialPaths.IsSecretName(kv.Key)));
    }

    /// <summary>How many environment values this redactor hides.</summary>
    public int SecretValueCount => _values.Length;

    /// <summary>Redacts a whole text.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return text;
        foreach (var (name, value) in _values)
            if (text.Contains(value, StringComparison.Ordinal)) text = text.Replace(value, $"[REDACTED:env {name}]", StringComparison.Ordinal);
        foreach (var p in Patterns)
        {
            var kind = p.Kind;
            var group = p.Group;
            text = p.Regex.Replace(text, m =>
            {
                if (group == 0) return $"[REDACTED:{kind}]";
                var g = m.Groups[group];
                if (!g.Success || g.Length == 0) return m.Value;
                return string.Concat(m.Value.AsSpan(0, g.Index - m.Index), $"[REDACTED:{kind}]", m.Value.AsSpan(g.Index - m.Index + g.Length));
            });
        }
        return text;
    }

    /// <summary>A line-buffered redactor for one output stream (see <see cref="StreamRedactor"/>).</summary>
    public StreamRedactor ForStream() => new(this);

    internal static bool StartsPrivateKey(string line, out int index)
    {
        var m = PrivateKeyBegin().Match(line);
        index = m.Success ? m.Index : -1;
        return m.Success;
    }

    internal static bool EndsPrivateKey(string line, out int end)
    {
        var m = PrivateKeyEnd().Match(line);
        end = m.Success ? m.Index + m.Length : -1;
        return m.Success;
    }

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKeyBegin();

    [GeneratedRegex(@"-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKeyEnd();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"\bgh[pousr]_[A-Za-z0-9]{36,255}\b")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bgithub_pat_[A-Za-z0-9_]{22,255}")]
    private static partial Regex GitHubFineGrained();

    [GeneratedRegex(@"\b[Bb]earer\s+([A-Za-z0-9\-._~+/]{8,}=*)")]
    private static partial Regex Bearer();

    // key = value, key: value, key="value"; the key may be part of a longer name (DB_PASSWORD=, "client_secret": ).
    [GeneratedRegex(@"(?i)[A-Za-z0-9_\-]*(?:password|passwd|pwd|secret|token|api[_-]?key)[A-Za-z0-9_\-]*[""']?\s*[=:]\s*(""[^""\r\n]*""|'[^'\r\n]*'|[^\s""',;&]+)")]
    private static partial Regex PasswordPair();
}

/// <summary>
/// Redacts one output stream as it arrives. Text is released a line at a time (a line ends at <c>\n</c> or <c>\r</c>), so
/// a secret split across two reads is still found; a partial line is held back until it ends, grows past
/// <see cref="MaxHeldChars"/>, or <see cref="Flush"/> is called. Lines inside a multi-line private key block are dropped.
/// </summary>
public sealed class StreamRedactor
{
    /// <summary>A partial line longer than this is released (redacted) without waiting for its end.</summary>
    public const int MaxHeldChars = 16 * 1024;

    private readonly SecretRedactor _redactor;
    private readonly StringBuilder _held = new();
    private bool _inPrivateKey;

    internal StreamRedactor(SecretRedactor redactor) => _redactor = redactor;

    /// <summary>Adds text; returns what can be written now (possibly empty).</summary>
    public string Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _held.Append(text);
        var buffered = _held.ToString();
        int cut = Math.Max(buffered.LastIndexOf('\n'), buffered.LastIndexOf('\r'));
        if (cut < 0)
        {
            if (buffered.Length <= MaxHeldChars) return "";
            cut = buffered.Length - 1;
        }
        _held.Clear();
        _held.Append(buffered, cut + 1, buffered.Length - cut - 1);
        return RedactLines(buffered[..(cut + 1)]);
    }

    /// <summary>Releases whatever is held (at the end of the stream).</summary>
    public string Flush()
    {
        var rest = _held.ToString();
        _held.Clear();
        if (rest.Length == 0) return "";
        var output = RedactLines(rest);
        return output;
    }

    private string RedactLines(string text)
    {
        var output = new StringBuilder(text.Length);
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOfAny(['\n', '\r'], start);
            int end = nl < 0 ? text.Length : nl + 1;
            var line = text[start..end];
            start = end;
            if (_inPrivateKey)
            {
                if (!SecretRedactor.EndsPrivateKey(line, out var after)) continue;
                _inPrivateKey = false;
                line = line[after..];
                if (line.Length == 0) continue;
            }
            var redacted = _redactor.Redact(line);
            if (SecretRedactor.StartsPrivateKey(redacted, out var begin))
            {
                _inPrivateKey = true;
                var nlAt = redacted.IndexOfAny(['\n', '\r'], begin);
                redacted = string.Concat(redacted.AsSpan(0, begin), "[REDACTED:private-key]", nlAt < 0 ? "" : redacted[nlAt..]);
            }
            output.Append(redacted);
        }
        return output.ToString();
    }
}
