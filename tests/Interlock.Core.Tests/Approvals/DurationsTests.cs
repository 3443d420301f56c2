using Interlock.Identity;

namespace Interlock.Core.Tests.Approvals;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    public void Parses_durations(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text).Value);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("0h", "positive")]
    [InlineData("-5m", "positive")]
    [InlineData("5w", "unknown unit 'w'")]
    [InlineData("abc", "positive")]
    [InlineData("99999d", "ten years")]
    public void Rejects_bad_durations_by_name(string text, string expected) => Assert.Contains(expected, Durations.Parse(text).Error);
}
