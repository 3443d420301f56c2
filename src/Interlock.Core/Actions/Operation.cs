namespace Interlock.Actions;

/// <summary>What an operation does to its targets; the vocabulary policies match on.</summary>
public enum OperationClass
{
    Read,
    Create,
    Update,
    Delete,
    Destroy,
    HistoryRewrite,
    Exec,
    Egress,
    Privilege,
    CredentialRead,
}

/// <summary>Which environment an operation touches, as far as names tell.</summary>
public enum EnvironmentKind { Unknown, Local, Development, Staging, Production }

/// <summary>
/// One thing an action does: a program and verb, its class and targets, and what the analyzer learned about them.
/// <see cref="Text"/> is the part of the command it came from, for reasons a human reads.
/// </summary>
public sealed record Operation
{
    public required string Program { get; init; }
    public string? Verb { get; init; }
    public required OperationClass Class { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];
    /// <summary>The URLs a network operation calls, as written after expansion (targets keep the host only).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];
    public EnvironmentKind Environment { get; init; } = EnvironmentKind.Unknown;
    /// <summary>Whether the effect can be undone (regenerable output, a local edit, version-controlled work).</summary>
    public bool Reversible { get; init; } = true;
    /// <summary>Whether the effect lands on state others depend on (a remote, a cluster, a database, cloud resources).</summary>
    public bool SharedState { get; init; }
    /// <summary>Whether <see cref="Targets"/> are absolute file-system paths.</summary>
    public bool PathTargets { get; init; }
    /// <summary>The least tier command knowledge puts this operation in, whatever its targets.</summary>
    public Risk.Tier? MinTier { get; init; }
    public IReadOnlySet<string> Tags { get; init; } = EmptyTags;
    public required string Reason { get; init; }
    public string Text { get; init; } = "";

    internal static readonly IReadOnlySet<string> EmptyTags = new HashSet<string>();
}

/// <summary>Something the analyzer could not fully understand; any gap means the action is never allowed.</summary>
public sealed record AnalysisGap(string Kind, string Detail, string Text = "");

/// <summary>Wire names of <see cref="OperationClass"/> (<c>history_rewrite</c>, <c>credential_read</c>), as policies write them.</summary>
public static class OperationClasses
{
    internal static readonly string[] Names =
        ["read", "create", "update", "delete", "destroy", "history_rewrite", "exec", "egress", "privilege", "credential_read"];

    public static string WireName(this OperationClass c) => (uint)c < (uint)Names.Length ? Names[(int)c] : c.ToString();
}
