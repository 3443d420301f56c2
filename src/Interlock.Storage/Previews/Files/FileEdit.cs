using System.Text.Json;

namespace Interlock.Storage.Previews.Files;

/// <summary>
/// The text a file tool would leave in its file: <c>Write</c>'s <c>content</c>, <c>Edit</c>'s <c>old_string</c> →
/// <c>new_string</c> (once, or everywhere with <c>replace_all</c>), <c>MultiEdit</c>'s <c>edits</c> in order, and the
/// MCP filesystem server's <c>edits</c> of <c>oldText</c> → <c>newText</c>.
/// </summary>
public static class FileEdit
{
    private static readonly HashSet<string> Writes = new(StringComparer.OrdinalIgnoreCase) { "Write", "write_file" };
    private static readonly HashSet<string> Edits = new(StringComparer.OrdinalIgnoreCase) { "Edit", "MultiEdit", "edit_file", "replace" };

    /// <summary>Whether <paramref name="tool"/> writes or edits a file's text.</summary>
    public static bool Handles(string? tool) => tool is not null && (Writes.Contains(McpBare(tool)) || Edits.Contains(McpBare(tool)));

    private static string McpBare(string tool) => tool.StartsWith("mcp__", StringComparison.Ordinal) ? tool[(tool.LastIndexOf("__", StringComparison.Ordinal) + 2)..] : tool;

    /// <summary>The new text, or an error a reviewer should read (the edit would fail, the input has no content).</summary>
    public static (string? Text, string? Error) Apply(string tool, JsonElement? arguments, string current)
    {
        if (arguments is not { ValueKind: JsonValueKind.Object } args) return (null, "the tool input was not given, so its content is unknown");
        if (Writes.Contains(McpBare(tool)))
            return Str(args, "content") is { } content ? (content, null) : (null, "the tool input has no 'content'");
        var text = current;
        if (args.TryGetProperty("edits", out var edits) && edits.ValueKind == JsonValueKind.Array)
        {
            int n = 0;
            foreach (var e in edits.EnumerateArray())
            {
                n++;
                var (next, error) = One(text, e);
                if (error is not null) return (null, $"edit {n} of {edits.GetArrayLength()} would fail: {error}");
                text = next!;
            }
            return (text, null);
        }
        return One(text, args);
    }

    private static (string? Text, string? Error) One(string text, JsonElement edit)
    {
        var old = Str(edit, "old_string") ?? Str(edit, "oldText");
        var @new = Str(edit, "new_string") ?? Str(edit, "newText");
        if (old is null || @new is null) return (null, "no old_string/new_string");
        bool all = edit.TryGetProperty("replace_all", out var ra) && ra.ValueKind == JsonValueKind.True;
        if (old.Length == 0) return text.Length == 0 ? (@new, null) : (null, "old_string is empty but the file is not");
        int at = text.IndexOf(old, StringComparison.Ordinal);
        if (at < 0) return (null, "old_string is not in the file");
        if (all) return (text.Replace(old, @new, StringComparison.Ordinal), null);
        if (text.IndexOf(old, at + old.Length, StringComparison.Ordinal) >= 0) return (null, "old_string occurs more than once and replace_all is not set");
        return (string.Concat(text.AsSpan(0, at), @new, text.AsSpan(at + old.Length)), null);
    }

    private static string? Str(JsonElement o, string name) => Interlock.Actions.JsonProperties.String(o, name);
}
