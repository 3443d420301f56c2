using Interlock.Approvals;

namespace Interlock.Server.Web;

/// <summary>
/// The word a reviewer types to approve an action that cannot be undone or whose blast radius is critical: the first
/// mapped resource it touches (so the reviewer names what they are about to change), else <c>approve</c>. The server
/// checks it on every approval posted from the page; the browser's check is only a convenience.
/// </summary>
public static class TypedConfirmation
{
    /// <summary>The form field the word is typed into.</summary>
    public const string Field = "confirm";
    public const string DefaultWord = "approve";

    /// <summary>The word <paramref name="request"/> needs, or null when a plain click approves it.</summary>
    public static string? Word(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Word(request.Details.Select(StepFacts.Parse).ToList());
    }

    /// <summary>The word for steps already parsed (a plan needs it when any step does).</summary>
    public static string? Word(IReadOnlyList<StepFacts> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var needing = steps.Where(s => s.NeedsTypedConfirmation).ToList();
        if (needing.Count == 0) return null;
        // A resource id with spaces or control characters would be hard to type and to show: those fall back to the plain word.
        return needing.SelectMany(s => s.Resources).FirstOrDefault(r => r.Length is > 0 and <= 80 && !r.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch > '~'))
            ?? DefaultWord;
    }

    /// <summary>Whether <paramref name="typed"/> is the word (exactly, ignoring surrounding spaces).</summary>
    public static bool Matches(string word, string? typed) => string.Equals(word, typed?.Trim(), StringComparison.Ordinal);

    /// <summary>The word as an HTML <c>pattern</c> attribute (a regular expression matching only the word itself).</summary>
    public static string Pattern(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var sb = new System.Text.StringBuilder(word.Length + 8);
        // Only the syntax characters: the browser compiles the pattern with the v flag, which rejects other escapes.
        foreach (var ch in word) sb.Append("^$\\.*+?()[]{}|/".Contains(ch, StringComparison.Ordinal) ? "\\" + ch : ch.ToString());
        return sb.ToString();
    }
}
