namespace Interlock.Risk;

/// <summary>
/// Permission tiers from the seed documents, ordered by how much oversight they need:
/// read-only and write-autonomous run, write-with-confirmation waits for a human, never is denied to agents.
/// </summary>
public enum Tier
{
    ReadOnly = 1,
    WriteAutonomous = 3,
    WriteWithConfirmation = 2,
    Never = 4,
}

/// <summary>Ordering and wire names for <see cref="Tier"/>.</summary>
public static class Tiers
{
    /// <summary>Severity rank: read-only &lt; write-autonomous &lt; write-with-confirmation &lt; never.</summary>
    public static int Rank(this Tier tier) => tier switch
    {
        Tier.ReadOnly => 0,
        Tier.WriteAutonomous => 1,
        Tier.WriteWithConfirmation => 2,
        _ => 3,
    };

    public static Tier Max(Tier a, Tier b) => a.Rank() >= b.Rank() ? a : b;

    public static string WireName(this Tier tier) => tier switch
    {
        Tier.ReadOnly => "read_only",
        Tier.WriteAutonomous => "write_autonomous",
        Tier.WriteWithConfirmation => "write_with_confirmation",
        _ => "never",
    };

    public static bool TryParse(string text, out Tier tier)
    {
        switch (text)
        {
            case "read_only": tier = Tier.ReadOnly; return true;
            case "write_autonomous": tier = Tier.WriteAutonomous; return true;
            case "write_with_confirmation": tier = Tier.WriteWithConfirmation; return true;
            case "never": tier = Tier.Never; return true;
            default: tier = Tier.Never; return false;
        }
    }
}
