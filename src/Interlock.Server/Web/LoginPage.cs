namespace Interlock.Server.Web;

/// <summary>The sign-in form: a reviewer (or admin or auditor) pastes their token.</summary>
public static class LoginPage
{
    public static HtmlString Main(string csrf, string next, string? problem) => Html.H($"""
        <section class="card login" aria-labelledby="login-h">
        <h1 id="login-h">Sign in</h1>
        <p class="muted">Paste your Interlock token (<code>ilk_…</code>). Reviewers answer approval requests; admins and auditors may read the queue and the audit log.</p>
        {(problem is null ? HtmlString.Empty : Html.H($"<p class=\"flash error\" role=\"alert\">{problem}</p>"))}
        <form class="answer" method="post" action="/login">
        <input type="hidden" name="{UiSession.CsrfField}" value="{csrf}">
        <input type="hidden" name="next" value="{next}">
        <label for="token">Token</label>
        <input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
        <div class="buttons"><button class="btn approve" type="submit">Sign in</button></div>
        </form>
        </section>
        """);
}
