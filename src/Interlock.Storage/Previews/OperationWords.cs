using Interlock.Actions;
using Interlock.Shell;

namespace Interlock.Storage.Previews;

/// <summary>
/// The words of the simple command an operation came from (<see cref="Operation.Text"/>), quotes removed, or null
/// when any word is an expansion: a previewer only acts on words it knows exactly.
/// </summary>
public static class OperationWords
{
    public static IReadOnlyList<string>? Of(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return Of(operation.Text);
    }

    /// <summary>The words of <paramref name="text"/> when it is one simple command of static words, else null.</summary>
    public static IReadOnlyList<string>? Of(string text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parsed = ShellParser.Parse(text);
        if (!parsed.Success || parsed.Script.Items is not [{ Pipelines: [{ Commands: [SimpleCommand command] }] }]) return null;
        var words = new List<string>(command.Words.Count);
        foreach (var w in command.Words)
        {
            if (w.StaticText is not { } word) return null;
            words.Add(word);
        }
        return words;
    }

    /// <summary>The value of <c>--name=value</c>, <c>-name=value</c> or <c>--name value</c> in <paramref name="words"/>, or null.</summary>
    public static string? Option(IReadOnlyList<string> words, string name)
    {
        for (int i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (w == name && i + 1 < words.Count) return words[i + 1];
            if (w.Length > name.Length && w.StartsWith(name, StringComparison.Ordinal) && w[name.Length] == '=') return w[(name.Length + 1)..];
        }
        return null;
    }
}
