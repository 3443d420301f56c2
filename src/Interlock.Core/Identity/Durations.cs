using System.Globalization;

namespace Interlock.Identity;

/// <summary>Durations as people write them in requests and flags: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>, or plain seconds.</summary>
public static class Durations
{
    /// <summary>The duration, or an error naming what was wrong.</summary>
    public static (TimeSpan Value, string? Error) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (default, "a duration is empty");
        var t = text.Trim();
        var unit = char.IsAsciiLetter(t[^1]) ? t[^1] : 's';
        var digits = char.IsAsciiLetter(t[^1]) ? t[..^1] : t;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            return (default, $"'{text}' is not a duration: write a positive number with s, m, h or d, e.g. 30m or 24h");
        var seconds = unit switch { 's' => n, 'm' => n * 60, 'h' => n * 3600, 'd' => n * 86400, _ => -1 };
        if (seconds < 0) return (default, $"'{text}' has unknown unit '{unit}': use s, m, h or d");
        if (seconds > 10L * 365 * 86400) return (default, $"'{text}' is longer than ten years");
        return (TimeSpan.FromSeconds(seconds), null);
    }
}
