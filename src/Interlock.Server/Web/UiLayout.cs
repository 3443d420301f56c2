using System.Globalization;
using System.Security.Cryptography;
using Interlock.Identity;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Web;

/// <summary>The page shell of the reviewer UI: head, stylesheet, top bar, security headers, and small shared fragments.</summary>
public static class UiLayout
{
    /// <summary>Writes a whole page. Inline style and script run only with this response's CSP nonce.</summary>
    public static IResult Page(HttpContext c, string title, HtmlString main, Principal? user, string? csrf, string? script = null, int status = 200)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        SecurityHeaders(c, nonce);
        var scriptTag = script is null ? HtmlString.Empty : Html.H($"<script nonce=\"{nonce}\">{new HtmlString(script)}</script>");
        var page = Html.H($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{title} · Interlock</title>
            <style nonce="{nonce}">{new HtmlString(Stylesheet)}</style>
            </head>
            <body>
            {TopBar(user, csrf)}
            <main>
            {main}
            </main>
            {scriptTag}
            </body>
            </html>
            """);
        return Results.Content(page.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>An HTML fragment (the live queue) with the same headers as a page.</summary>
    public static IResult Fragment(HttpContext c, HtmlString html)
    {
        SecurityHeaders(c, null);
        return Results.Content(html.Value, "text/html; charset=utf-8");
    }

    private static void SecurityHeaders(HttpContext c, string? nonce)
    {
        var h = c.Response.Headers;
        var inline = nonce is null ? "'none'" : $"'nonce-{nonce}'";
        h.ContentSecurityPolicy = $"default-src 'none'; style-src {inline}; script-src {inline}; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h.CacheControl = "no-store";
    }

    private static HtmlString TopBar(Principal? user, string? csrf)
    {
        if (user is null) return Html.H($"<header class=\"top\"><span class=\"brand\">Interlock</span></header>");
        var audit = user.Role is Role.Auditor or Role.Admin ? Html.H($"<a href=\"/audit\">Audit log</a>") : HtmlString.Empty;
        return Html.H($"""
            <header class="top">
            <a class="brand" href="/">Interlock</a>
            <nav aria-label="Main"><a href="/">Queue</a>{audit}</nav>
            <form class="who" method="post" action="/logout">
            <span>{user.Name} <span class="muted">({user.Role.WireName()})</span></span>
            <input type="hidden" name="{UiSession.CsrfField}" value="{csrf}">
            <button type="submit" class="link">Sign out</button>
            </form>
            </header>
            """);
    }

    /// <summary>A coloured label; the class is derived from the (wire-name) value so tiers, levels and outcomes share colours.</summary>
    public static HtmlString Badge(string? value, string? label = null)
    {
        if (string.IsNullOrEmpty(value)) return HtmlString.Empty;
        var cls = new string(value.Select(ch => char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '_').ToArray());
        return Html.H($"<span class=\"b b-{cls}\">{label ?? value.Replace('_', ' ')}</span>");
    }

    /// <summary>A success or error banner (a screen reader announces it).</summary>
    public static HtmlString Flash((bool Ok, string Message)? flash) =>
        flash is { } f ? Html.H($"<p class=\"flash {(f.Ok ? "ok" : "error")}\" role=\"{(f.Ok ? "status" : "alert")}\">{f.Message}</p>") : HtmlString.Empty;

    /// <summary>The banner over a request whose text needed escaping (the escapes themselves are marked where they are).</summary>
    public static HtmlString HiddenBanner(ShownText shown, string what) =>
        shown.Escaped
            ? Html.H($"<p class=\"flash error ctl-warn\" role=\"alert\">This {what} {Interlock.Actions.DisplayText.Notice}. Each marked <mark class=\"ctl\">escape</mark> stands for one character.</p>")
            : HtmlString.Empty;

    /// <summary>The short label on a queue row or audit record whose text needed escaping.</summary>
    public static HtmlString HiddenBadge(ShownText shown) =>
        shown.Escaped ? Html.H($" <span class=\"b b-deny ctl-warn\" title=\"{Interlock.Actions.DisplayText.Notice}\">hidden or control characters</span>") : HtmlString.Empty;

    /// <summary>A short span like "4m" or "2h 5m" (negative spans read as zero).</summary>
    public static string Span(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalSeconds < 60) return ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        if (t.TotalMinutes < 60) return ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m";
        if (t.TotalHours < 48) return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h {t.Minutes}m");
        return ((int)t.TotalDays).ToString(CultureInfo.InvariantCulture) + "d";
    }

    /// <summary>A UTC timestamp in a &lt;time&gt; element.</summary>
    public static HtmlString Time(DateTimeOffset at) =>
        Html.H($"<time datetime=\"{at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}\">{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z</time>");

    // One small stylesheet: system fonts, a fluid single column that becomes cards below 700px, no fixed widths.
    private const string Stylesheet = """
        :root{--bg:#f6f7f9;--fg:#1d2330;--muted:#5d6675;--card:#fff;--line:#dfe3ea;--accent:#2456c9;
        --green:#17663a;--green-bg:#dcf3e4;--blue:#1f4fa8;--blue-bg:#dfe9fb;--amber:#7a4d00;--amber-bg:#fdefc7;
        --orange:#8a3500;--orange-bg:#fde0cc;--red:#9b1c1c;--red-bg:#fbdcdc;--grey:#444b57;--grey-bg:#e7e9ee}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
        a{color:var(--accent)}
        code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
        pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
        .top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;background:#1d2330;color:#fff}
        .top a{color:#fff;text-decoration:none}
        .top nav{display:flex;gap:1rem;flex:1}
        .top nav a{opacity:.85}.top nav a:hover{opacity:1;text-decoration:underline}
        .brand{font-weight:700;letter-spacing:.02em}
        .who{display:flex;align-items:center;gap:.6rem;margin:0;font-size:.9rem}
        .who .muted{color:#b8c0cc}
        button.link{background:none;border:1px solid #5d6675;color:#fff;padding:.2rem .6rem;border-radius:4px;font:inherit;cursor:pointer}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.5rem 0 1rem}
        h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
        .muted{color:var(--muted)}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin-bottom:1rem}
        .card>h2:first-child,.card>.row:first-child h2{margin-top:0}
        .caption{margin:0 0 .4rem;font-size:.9rem}
        td time{white-space:nowrap}
        .row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
        .b{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;white-space:nowrap;background:var(--grey-bg);color:var(--grey)}
        .b-read_only,.b-low,.b-allow,.b-approved,.b-ok,.b-yes{background:var(--green-bg);color:var(--green)}
        .b-write_autonomous,.b-allow_with_constraints,.b-used,.b-result,.b-decision{background:var(--blue-bg);color:var(--blue)}
        .b-write_with_confirmation,.b-medium,.b-require_approval,.b-pending,.b-approval{background:var(--amber-bg);color:var(--amber)}
        .b-high,.b-recoverable,.b-staging{background:var(--orange-bg);color:var(--orange)}
        .b-incomplete,.b-never,.b-critical,.b-deny,.b-denied,.b-bad,.b-no,.b-irreversible,.b-production{background:var(--red-bg);color:var(--red)}
        .b-reversible,.b-local,.b-development{background:var(--green-bg);color:var(--green)}
        .b-preview{background:var(--grey-bg);color:var(--grey);font-weight:500}
        table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px}
        th,td{text-align:left;padding:.55rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
        tr:last-child td{border-bottom:0}
        td.cmd{overflow-wrap:anywhere;max-width:32rem}
        .empty{padding:2rem 1rem;text-align:center;color:var(--muted)}
        .live{font-size:.85rem;color:var(--muted)}
        .live::before{content:"";display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:#9aa3b1;margin-right:.35rem}
        .live.on::before{background:#1f9d55}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
        dl.facts dt{color:var(--muted);font-size:.9rem}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        ul.reasons{margin:.25rem 0;padding-left:1.2rem}
        mark.ctl{background:var(--orange-bg);color:var(--orange);border:1px solid var(--orange);border-radius:3px;padding:0 .15em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
        .cmdline mark.ctl{background:#fde0cc;color:#5c2300}
        .cmdline{background:#1d2330;color:#e9edf3;padding:.75rem 1rem;border-radius:6px;margin-bottom:.75rem;overflow-wrap:anywhere;white-space:pre-wrap}
        progress{width:100%;max-width:16rem;accent-color:var(--green)}
        label.plain{font-weight:400;font-size:1rem}
        form.answer{display:grid;gap:.6rem}
        label{font-weight:600;font-size:.9rem}
        textarea,input[type=text],input[type=password],input[type=number],select{width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #b9c0cc;border-radius:6px;background:#fff;color:inherit}
        textarea{min-height:4.5rem;resize:vertical}
        .buttons{display:flex;flex-wrap:wrap;gap:.6rem}
        button.btn{font:inherit;font-weight:600;padding:.55rem 1.2rem;border-radius:6px;border:1px solid transparent;cursor:pointer;min-height:2.75rem}
        .btn.approve{background:var(--green);color:#fff}
        .btn.deny{background:var(--red);color:#fff}
        .btn.plain{background:#fff;border-color:#b9c0cc;color:var(--fg)}
        .btn:focus-visible,a:focus-visible,textarea:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #7aa2f7;outline-offset:2px}
        .flash{padding:.7rem 1rem;border-radius:6px;margin:0 0 1rem;font-weight:600}
        .flash.ok{background:var(--green-bg);color:var(--green)}
        .flash.error{background:var(--red-bg);color:var(--red)}
        .login{max-width:26rem;margin:3rem auto}
        .filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem;align-items:end}
        .filters .f{display:grid;gap:.2rem}
        .filters .buttons{align-items:center}
        .pager{display:flex;justify-content:space-between;margin-top:.75rem}
        details summary{cursor:pointer;color:var(--accent)}
        .head{justify-content:space-between;margin-bottom:.5rem}
        .head h1{font-size:1.15rem;margin:0}
        a.back{text-decoration:none;padding-right:.2rem}
        .decide{display:grid;gap:0 1rem}
        .decide>*{min-width:0}
        .step h2{font-size:1rem;color:var(--muted);margin:0 0 .4rem}
        .step .cmdline{margin-bottom:.5rem;max-height:12rem;overflow:auto}
        .where{margin:0 0 .5rem;font-size:.85rem;overflow-wrap:anywhere}
        pre.capped{max-height:14rem;overflow:auto;background:#f3f5f8;border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;margin:.4rem 0;font-size:.8rem}
        pre.diff{white-space:pre;overflow-wrap:normal}
        pre.diff .add{color:var(--green);background:var(--green-bg)}
        pre.diff .del{color:var(--red);background:var(--red-bg)}
        pre.diff .h{color:var(--muted)}
        dl.blast{display:grid;grid-template-columns:repeat(5,minmax(0,auto));gap:.3rem 1.2rem;margin:.25rem 0 .6rem;justify-content:start}
        dl.blast dt{font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
        dl.blast dd{margin:0;font-size:.9rem;overflow-wrap:anywhere}
        .preview{border-left:4px solid var(--line);padding:.15rem 0 .15rem .7rem;margin:.5rem 0}
        .preview .headline{margin:0 0 .25rem;line-height:1.35}
        .preview.incomplete{border-left-color:var(--red);background:#fff7f7}
        .incomplete-note{margin:0 0 .3rem;color:var(--red);font-size:.9rem}
        ul.items{list-style:none;margin:0;padding:0;font-size:.85rem;max-height:11rem;overflow:auto}
        ul.items li{padding:.05rem 0;overflow-wrap:anywhere}
        ul.items .kind{display:inline-block;min-width:3.8rem;color:var(--muted);font-size:.75rem}
        ul.losses{margin:.2rem 0;padding-left:1.1rem;color:var(--red);font-size:.9rem}
        .nopreview{margin:.3rem 0;font-size:.9rem}
        .why h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:.6rem 0 0}
        .why ul.reasons{margin:.1rem 0 0;font-size:.9rem}
        .answer-card h2{margin:0}
        .answer-card .row{justify-content:space-between;margin-bottom:.4rem;font-size:.85rem}
        .answer-card textarea{min-height:3rem}
        .confirm{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem}
        .confirm input{flex:1;min-width:8rem}
        code.word{background:var(--amber-bg);color:var(--amber);padding:0 .3rem;border-radius:4px;font-size:.95em}
        input:user-invalid{border-color:var(--red)}
        .meta h2{font-size:1rem}
        td .sub{display:block;font-size:.8rem;color:var(--muted);overflow-wrap:anywhere}
        @media (min-width:900px){
          .decide{grid-template-columns:minmax(0,1fr) 21rem;align-items:start}
          .side{position:sticky;top:1rem}
        }
        @media (max-width:700px){
          main{padding:.6rem}
          table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
          table.stack thead{display:none}
          table.stack{border:0;background:none}
          table.stack tr{background:var(--card);border:1px solid var(--line);border-radius:8px;margin-bottom:.6rem;padding:.35rem 0}
          table.stack td{border:0;padding:.2rem .8rem}
          table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
          dl.facts{grid-template-columns:1fr}
          dl.facts dt{margin-top:.4rem}
          .top{padding:.4rem .6rem;gap:.3rem .8rem}
          .top nav{flex:1}
          .who .muted{display:none}
          h1{margin:.2rem 0 .5rem}
          .card{padding:.7rem;margin-bottom:.6rem}
          .steph{display:none}
          .step{line-height:1.4}
          .step .cmdline{padding:.5rem .7rem}
          dl.blast{display:flex;flex-wrap:wrap;gap:.1rem .9rem}
          dl.blast>div{display:flex;gap:.35rem;align-items:baseline}
          .preview .pfacts{display:none}
          ul.items{max-height:8rem;font-size:.8rem}
          .why ul.reasons{font-size:.85rem}
          .answer-card textarea{min-height:2.6rem;height:2.6rem}
          .answer-card .hint{display:none}
          .answer-card h2{font-size:1rem}
          .answer-card .row{margin-bottom:.2rem}
          .why h3{margin-top:.4rem}
          pre.capped{max-height:9rem}
          form.answer{gap:.35rem}
        }
        """;
}
