using Interlock.Identity;

namespace Interlock.Pipeline;

/// <summary>The one action-id scheme every entry point uses: <c>act_</c> and 24 random hex digits.</summary>
public static class ActionIds
{
    public const string Prefix = "act_";

    public static string New() => AccessTokens.NewId(Prefix);
}
