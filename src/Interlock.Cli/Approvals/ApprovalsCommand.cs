using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Interlock.Server.Api;

namespace Interlock.Cli.Approvals;

/// <summary><c>interlock approvals list|show|approve|deny</c>: the reviewer's queue from a terminal, against a gateway.</summary>
internal static class ApprovalsCommand
{
    public static Command Create()
    {
        var cmd = new Command("approvals", "Review approval requests on a gateway (token in $INTERLOCK_TOKEN: a reviewer's to answer).");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Show());
        cmd.Subcommands.Add(Answer("approve", approve: true));
        cmd.Subcommands.Add(Answer("deny", approve: false));
        return cmd;
    }

    private static (Option<string?> Server, Option<string> TokenEnv) Connection() =>
        (new Option<string?>("--server") { Description = "Gateway URL (default $INTERLOCK_SERVER)." },
         new Option<string>("--token-env") { Description = "Environment variable holding the token (default INTERLOCK_TOKEN).", DefaultValueFactory = _ => ChildEnvironment.DefaultTokenEnv });

    private static Command List()
    {
        var (server, tokenEnv) = Connection();
        var status = new Option<string>("--status") { Description = "pending, approved, denied, expired, used or all (default pending).", DefaultValueFactory = _ => "pending" };
        var json = new Option<bool>("--json") { Description = "Print the gateway's JSON." };
        var cmd = new Command("list", "List approval requests, newest first.") { server, tokenEnv, status, json };
        cmd.SetAction(p => Run(p.GetValue(server), p.GetValue(tokenEnv)!, async http =>
        {
            var s = p.GetValue(status)!;
            var (code, body) = await Call(http, HttpMethod.Get, s == "all" ? "v1/approvals" : "v1/approvals?status=" + Uri.EscapeDataString(s), null).ConfigureAwait(false);
            if (code != 200) return Problem(code, body);
            if (p.GetValue(json)) { Console.Out.WriteLine(body.ToString()); return 0; }
            var items = body.GetProperty("approvals").EnumerateArray().ToList();
            if (items.Count == 0) { Console.Out.WriteLine($"no {(s == "all" ? "" : s + " ")}approval requests"); return 0; }
            foreach (var a in items)
            {
                // Agent and summary are the agent's words: escaped per field (so the columns still line up), a warning under the row.
                var t = new TerminalText();
                var summary = t.Show(string.Join(" ; ", a.GetProperty("steps").EnumerateArray().Select(x => x.GetProperty("summary").GetString())));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Show(a.GetProperty("id").GetString())}  {t.Show(a.GetProperty("status").GetString()),-8} {t.Show(a.GetProperty("agent").GetString()),-16} {t.Show(a.GetProperty("tier").GetString()),-24} expires {a.GetProperty("expires_at").GetDateTimeOffset():u}  {summary}"));
                t.WriteWarning(Console.Out, "  ^ ");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command Show()
    {
        var (server, tokenEnv) = Connection();
        var id = new Argument<string>("id") { Description = "The approval id (apr_…)." };
        var cmd = new Command("show", "Print one approval request as JSON (steps, reasons, votes, the decision records).") { server, tokenEnv, id };
        cmd.SetAction(p => Run(p.GetValue(server), p.GetValue(tokenEnv)!, async http =>
        {
            var (code, body) = await Call(http, HttpMethod.Get, "v1/approvals/" + Uri.EscapeDataString(p.GetValue(id)!), null).ConfigureAwait(false);
            if (code != 200) return Problem(code, body);
            // Valid JSON on stdout with hidden characters as \uXXXX escapes; the warning on stderr keeps stdout parseable.
            Console.Out.WriteLine(TerminalText.Json(JsonSerializer.Serialize(body, Indented)));
            if (HasHidden(body)) Console.Error.WriteLine($"interlock approvals: warning: this request {Interlock.Actions.DisplayText.Notice} (as \\uXXXX in the JSON)");
            return 0;
        }));
        return cmd;
    }

    private static Command Answer(string verb, bool approve)
    {
        var (server, tokenEnv) = Connection();
        var id = new Argument<string>("id") { Description = "The approval id (apr_…)." };
        var reason = new Option<string?>("--reason") { Description = approve ? "Why (recorded in the audit log)." : "Why (required; sent to the agent and recorded)." };
        var confirm = new Option<string?>("--confirm") { Description = "The word an irreversible or critical action needs to be approved (the gateway names it when it is missing)." };
        var cmd = new Command(verb, approve ? "Approve a pending request (reviewers only; never your own)." : "Deny a pending request with a reason.") { server, tokenEnv, id, reason };
        if (approve) cmd.Options.Add(confirm);
        cmd.SetAction(p => Run(p.GetValue(server), p.GetValue(tokenEnv)!, async http =>
        {
            var why = p.GetValue(reason);
            if (!approve && string.IsNullOrWhiteSpace(why))
            {
                Console.Error.WriteLine("interlock approvals deny: --reason is required (the agent is told why)");
                return 1;
            }
            var word = approve ? p.GetValue(confirm) : null;
            var fields = new Dictionary<string, string>();
            if (why is not null) fields["reason"] = why;
            if (word is not null) fields["confirm"] = word;
            var (code, body) = await Call(http, HttpMethod.Post, $"v1/approvals/{Uri.EscapeDataString(p.GetValue(id)!)}/{verb}", fields).ConfigureAwait(false);
            if (code != 200) return Problem(code, body);
            Console.Out.WriteLine($"{body.GetProperty("id").GetString()}: {body.GetProperty("status").GetString()} ({body.GetProperty("votes").GetArrayLength()} of {body.GetProperty("approvals_required").GetInt32()} approvals recorded)");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Whether any string or property name in the document holds a character a terminal would act on or hide.</summary>
    private static bool HasHidden(JsonElement e) => e.ValueKind switch
    {
        // Line feeds are JSON's \n already and common in multi-line commands: not worth a warning here.
        JsonValueKind.String => Interlock.Actions.DisplayText.HasHidden(e.GetString(), Interlock.Actions.LineBreaks.Keep),
        JsonValueKind.Array => e.EnumerateArray().Any(HasHidden),
        JsonValueKind.Object => e.EnumerateObject().Any(p => Interlock.Actions.DisplayText.HasHidden(p.Name, Interlock.Actions.LineBreaks.Keep) || HasHidden(p.Value)),
        _ => false,
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int Run(string? server, string tokenEnv, Func<HttpClient, Task<int>> body)
    {
        server ??= Environment.GetEnvironmentVariable("INTERLOCK_SERVER");
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            Console.Error.WriteLine("interlock approvals: give the gateway with --server URL or $INTERLOCK_SERVER (an http(s) URL)");
            return 1;
        }
        var token = Environment.GetEnvironmentVariable(tokenEnv);
        if (string.IsNullOrWhiteSpace(token))
        {
            Console.Error.WriteLine($"interlock approvals: no token: ${tokenEnv} is not set");
            return 1;
        }
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        try
        {
            return body(http).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"interlock approvals: the gateway at {server} could not be used: {ex.Message}");
            return 1;
        }
    }

    private static async Task<(int Status, JsonElement Body)> Call(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if ((int)response.StatusCode != 200) return ((int)response.StatusCode, JsonSerializer.SerializeToElement(text));
        using var doc = JsonDocument.Parse(text);
        return (200, doc.RootElement.Clone());
    }

    private static int Problem(int status, JsonElement body)
    {
        Console.Error.WriteLine($"interlock approvals: the gateway answered {status}{ApiProblem.DetailSuffix(body.GetString() ?? "")}");
        return 1;
    }
}
