using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatApp.AppHost.Dashboard.Web;

/// <summary>
/// Browser access as Aspire's dashboard does it: the console prints a login link carrying a token
/// (<c>/login?t=…</c>); opening it sets an HTTP-only cookie and every later request is checked for it. A request
/// without it gets 401 (the JSON API) or is sent to a login page that asks for the token (pages).
/// </summary>
internal sealed class DashboardAuth(string token)
{
    public const string CookieName = "chatapp-dashboard";

    /// <summary>Header every state-changing API call must carry, so a cross-site form cannot post one.</summary>
    public const string RequestHeader = "X-Dashboard-Request";

    // The cookie holds a value derived from the token, never the token itself.
    private readonly byte[] _sessionValue = HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "chatapp-dashboard-session"u8);

    public string Token { get; } = token;

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public bool IsAuthenticated(HttpContext context)
    {
        var cookie = context.Request.Cookies[CookieName];
        if (cookie is null)
        {
            return false;
        }
        Span<byte> presented = stackalloc byte[32];
        return cookie.Length == 64 && Convert.FromHexString(cookie, presented, out _, out var written) == System.Buffers.OperationStatus.Done
               && written == _sessionValue.Length && CryptographicOperations.FixedTimeEquals(presented, _sessionValue);
    }

    public bool IsValidToken(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented.Trim()), Encoding.UTF8.GetBytes(Token));

    /// <summary>Lets through the login page, the static assets (no data in them) and authenticated requests; refuses the rest.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/login") || path.StartsWithSegments("/assets") || IsAuthenticated(context))
        {
            if (HttpMethods.IsPost(context.Request.Method) && path.StartsWithSegments("/api") && !context.Request.Headers.ContainsKey(RequestHeader))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new { error = $"The {RequestHeader} header is required." });
                return;
            }
            await next(context);
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && !path.StartsWithSegments("/api"))
        {
            var returnUrl = path + context.Request.QueryString;
            context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await context.Response.WriteAsJsonAsync(new { error = "Log in to the dashboard with the link the AppHost printed (…/login?t=<token>)." });
    }

    public void MapLogin(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/login", (HttpContext context, string? t, string? returnUrl) =>
            t is null ? LoginPage(context, returnUrl, error: null, StatusCodes.Status200OK) : SignIn(context, t, returnUrl));
        routes.MapPost("/login", async (HttpContext context) =>
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
            return SignIn(context, form?["token"], form?["returnUrl"]);
        }).DisableAntiforgery();
        routes.MapPost("/logout", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(CookieName);
            return Results.Redirect("/login");
        });
    }

    private IResult SignIn(HttpContext context, string? token, string? returnUrl)
    {
        if (!IsValidToken(token))
        {
            return LoginPage(context, returnUrl, "That token is not valid. Copy the login link the AppHost printed at start.", StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(CookieName, Convert.ToHexStringLower(_sessionValue), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        return Results.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    private static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.StartsWith("/login", StringComparison.Ordinal);

    private static IResult LoginPage(HttpContext context, string? returnUrl, string? error, int statusCode)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Log in · ChatApp dashboard</title>
              <link rel="stylesheet" href="/assets/app.css">
            </head>
            <body class="login">
              <main>
                <h1>ChatApp dashboard</h1>
                <p>Open the login link the AppHost printed at start, or paste its token (the part after <code>?t=</code>).</p>
                {{(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}}
                <form method="post" action="/login">
                  <label for="token">Token</label>
                  <input id="token" name="token" type="password" autocomplete="off" required autofocus>
                  <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
                  <button type="submit">Log in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }
}
