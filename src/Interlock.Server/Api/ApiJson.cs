using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>Reading request bodies (bounded, strict) and writing replies (snake_case, nulls left out).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object value, int status = 200) => Results.Json(value, Options, statusCode: status);

    /// <summary>
    /// The body as a JSON object, or the problem: too large (413), not JSON or not an object (400), wrong content
    /// type (415 is not used: a missing type is accepted, any other type than JSON is a 400 naming it).
    /// </summary>
    public static async Task<(JsonDocument? Document, ApiProblem? Problem)> ReadObjectAsync(HttpRequest request, long maxBytes, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return (null, ApiProblem.BadRequest($"the body must be application/json, got '{type}' (with curl, add -H 'Content-Type: application/json')"));
        if (request.ContentLength > maxBytes)
            return (null, ApiProblem.TooLarge($"the body is {request.ContentLength} bytes, over the limit of {maxBytes} bytes"));
        // Read straight from Kestrel's pipe and let the document copy the bytes into its own pooled buffer: no
        // per-request 16 KB chunk and growing MemoryStream (their allocation showed up in the evaluate path's profile).
        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.End);
                return (null, ApiProblem.TooLarge($"the body is larger than the limit of {maxBytes} bytes"));
            }
            if (read.IsCompleted || read.IsCanceled) break;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        var body = read.Buffer;
        if (body.Length == 0)
        {
            reader.AdvanceTo(body.End);
            if (allowEmpty) return (JsonDocument.Parse("{}"), null);
            return (null, ApiProblem.BadRequest("the body is empty; send a JSON object"));
        }
        JsonDocument doc;
        try
        {
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            doc = JsonDocument.ParseValue(ref json);
            try
            {
                // ParseValue stops after one value; anything but whitespace after it is invalid, as with Parse.
                if (json.Read()) throw new JsonException("more than one JSON value in the body");
            }
            catch
            {
                doc.Dispose();
                throw;
            }
        }
        catch (JsonException ex)
        {
            return (null, ApiProblem.BadRequest($"the body is not valid JSON: {ex.Message}"));
        }
        finally
        {
            reader.AdvanceTo(body.End);
        }
        if (Actions.JsonText.FirstInvalid(doc.RootElement) is { } where)
        {
            doc.Dispose();
            return (null, ApiProblem.BadRequest($"the body has a string that is not valid Unicode (an unpaired surrogate escape) at {where}"));
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind.ToString().ToLowerInvariant();
            doc.Dispose();
            return (null, ApiProblem.BadRequest($"the body must be a JSON object, got {kind}"));
        }
        return (doc, null);
    }

    /// <summary>The first property not in <paramref name="known"/>, as a problem, or null.</summary>
    public static ApiProblem? UnknownField(JsonElement obj, params string[] known)
    {
        foreach (var p in obj.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0)
                return ApiProblem.BadRequest($"unknown field '{p.Name}'; expected {string.Join(", ", known.Select(k => "'" + k + "'"))}");
        return null;
    }

    /// <summary>An optional string field, or a problem naming its wrong type.</summary>
    public static (string? Value, ApiProblem? Problem) OptionalString(JsonElement obj, string name, int maxLength = 4096)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return (null, null);
        if (v.ValueKind != JsonValueKind.String) return (null, ApiProblem.BadRequest($"field '{name}' must be a string, got {v.ValueKind.ToString().ToLowerInvariant()}"));
        var s = v.GetString()!;
        if (s.Length > maxLength) return (null, ApiProblem.BadRequest($"field '{name}' is longer than {maxLength} characters"));
        return (s, null);
    }
}
