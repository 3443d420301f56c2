namespace Interlock.Actions;

/// <summary>What analysis learned about an action: the contract between analysis and policy.</summary>
public sealed record ActionFacts
{
    public required ActionRequest Request { get; init; }
    public IReadOnlyList<Operation> Operations { get; init; } = [];
    /// <summary>Risk tags from the caller and from the analyzers.</summary>
    public IReadOnlySet<string> Tags { get; init; } = Operation.EmptyTags;
    public IReadOnlyList<AnalysisGap> Gaps { get; init; } = [];

    /// <summary>The most sensitive environment any operation touches.</summary>
    public EnvironmentKind Environment
    {
        get
        {
            var env = EnvironmentKind.Unknown;
            foreach (var op in Operations)
                if (op.Environment > env) env = op.Environment;
            return env;
        }
    }
}
