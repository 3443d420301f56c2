using System.Globalization;

namespace Interlock.Policy;

/// <summary>Rate limits written as <c>N/second</c>, <c>N/minute</c>, <c>N/hour</c> or <c>N/day</c>, N ≥ 1.</summary>
public static class RateLimit
{
    /// <summary>Parses <paramref name="text"/> into a count per window of <paramref name="windowSeconds"/> seconds.</summary>
    public static bool TryParse(string? text, out int count, out int windowSeconds)
    {
        count = 0;
        windowSeconds = 0;
        if (text is null) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return false;
        var number = text.AsSpan(0, slash);
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
        {
            count = 0;
            return false;
        }
        windowSeconds = text.AsSpan(slash + 1) switch
        {
            "second" => 1,
            "minute" => 60,
            "hour" => 3600,
            "day" => 86400,
            _ => 0,
        };
        if (windowSeconds == 0)
        {
            count = 0;
            return false;
        }
        return true;
    }

    /// <summary>Whether rate <paramref name="a"/> allows fewer actions per unit of time than rate <paramref name="b"/>.</summary>
    internal static bool IsTighter(string a, string b)
    {
        if (!TryParse(a, out var ca, out var wa)) return false;
        if (!TryParse(b, out var cb, out var wb)) return true;
        return (long)ca * wb < (long)cb * wa;
    }
}
