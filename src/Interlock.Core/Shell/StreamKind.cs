namespace Interlock.Shell;

/// <summary>What flows out of a command into the next one of a pipeline, as far as analysis can tell.</summary>
public enum StreamKind
{
    None,
    /// <summary>Text known before run time (<c>echo "…"</c>, a here-document).</summary>
    Literal,
    /// <summary>Content fetched from the network.</summary>
    Network,
    /// <summary>Decoded or decompressed content whose text nobody reviewed (<c>base64 -d</c>).</summary>
    Decoded,
    /// <summary>Credentials or secrets.</summary>
    Secret,
    /// <summary>The process environment, which holds tokens.</summary>
    Environment,
    /// <summary>Anything else.</summary>
    Unknown,
    /// <summary>
    /// Names of files in a credential location (<c>find ~/.aws</c>, <c>ls ~/.ssh/id_*</c>), with <see cref="StreamSource.Text"/>
    /// the pattern they match: not secrets themselves, but a reader given them as arguments reads credentials.
    /// </summary>
    CredentialNames,
}

/// <summary>A command's output: its kind, and its text when <see cref="StreamKind.Literal"/>.</summary>
public readonly record struct StreamSource(StreamKind Kind, string? Text = null)
{
    public static readonly StreamSource None = new(StreamKind.None);
    public static readonly StreamSource Unknown = new(StreamKind.Unknown);
}
