using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>An RFC 9457 problem reply (<c>application/problem+json</c>) that names what was wrong.</summary>
public sealed class ApiProblem(int status, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) : IResult
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;
    /// <summary>Sent as <c>Retry-After</c> when set (a 429 or 503 the caller may retry).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiProblem BadRequest(string detail) => new(400, "Bad request", detail);
    public static ApiProblem Unauthorized(string detail) => new(401, "Unauthorized", detail);
    public static ApiProblem Forbidden(string detail) => new(403, "Forbidden", detail);
    public static ApiProblem NotFound(string detail) => new(404, "Not found", detail);
    public static ApiProblem Conflict(string detail) => new(409, "Conflict", detail);
    public static ApiProblem TooLarge(string detail) => new(413, "Payload too large", detail);
    public static ApiProblem Unavailable(string detail, IReadOnlyDictionary<string, object?>? extensions = null) => new(503, "Service unavailable", detail, extensions);

    /// <summary>The <c>": detail"</c> of a problem reply's body, for a client's message; empty when the body is not one.</summary>
    public static string DetailSuffix(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                return ": " + d.GetString();
        }
        catch (JsonException)
        {
        }
        return "";
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        if (Status == 401) response.Headers.WWWAuthenticate = "Bearer";
        if (RetryAfterSeconds is { } retry) response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Detail,
        };
        if (extensions is not null)
            foreach (var (k, v) in extensions) body[k] = v;
        await JsonSerializer.SerializeAsync(response.Body, body, ApiJson.Options, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
