using System.Text.Json;

namespace Interlock.Actions;

/// <summary>
/// Checks that a parsed JSON value's strings and property names are valid Unicode. JSON's <c>\ud800</c> escape can name
/// half a surrogate pair; the parser accepts it, and reading the string later (the approval digest, the audit record)
/// throws. Entry points check once, so a bad string is a clear 400 instead of a fault deep inside.
/// </summary>
public static class JsonText
{
    /// <summary>A JSON path to the first string or key that is not valid Unicode (<c>$.tool_input.x</c>), or null when there is none.</summary>
    public static string? FirstInvalid(JsonElement element) => Valid(element) ? null : Locate(element, "$");

    // A cheap walk first; the path is only built for a bad document.
    private static bool Valid(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(e);
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    if (!NameReadable(p) || !Valid(p.Value)) return false;
                return true;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    if (!Valid(item)) return false;
                return true;
            default:
                return true;
        }
    }

    private static string Locate(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (!NameReadable(p)) return path + " (a key)";
                if (!Valid(p.Value)) return Locate(p.Value, path + "." + p.Name);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                if (!Valid(item)) return Locate(item, $"{path}[{i}]");
                i++;
            }
        }
        return path;
    }

    private static bool Readable(JsonElement s)
    {
        try
        {
            _ = s.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool NameReadable(JsonProperty p)
    {
        try
        {
            _ = p.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
