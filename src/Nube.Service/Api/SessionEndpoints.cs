using System.Globalization;
using Nube.Contracts.Auth;
using Nube.Core.Validation;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>Signing in and out of the web console: a session cookie and its CSRF token.</summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // The one API route open to anyone: the gate lets it through for its AllowAnonymous mark.
        app.MapPost("/api/v1/session", SignInAsync).AllowAnonymous();
        app.MapGet("/api/v1/session", (HttpContext http) =>
            Caller.Of(http).Session is { } session ? TypedResults.Ok(Info(session)) : AuthProblems.Result(AuthProblems.NotSignedIn()));
        app.MapDelete("/api/v1/session", (HttpContext http, SessionStore sessions) =>
        {
            if (Caller.Of(http).Session is { } session)
                sessions.End(session);
            http.Response.Cookies.Delete(AuthNames.SessionCookie, CookieOptions(http));
            return TypedResults.NoContent();
        });
    }

    private static async Task<IResult> SignInAsync(SignInRequest request, HttpContext http, UserStore users, SessionStore sessions,
        SignInLimiter limiter)
    {
        if (limiter.TryAttempt(http.Connection.RemoteIpAddress, request.UserName) is { } wait)
        {
            http.Response.Headers.RetryAfter = AuthProblems.Seconds(wait).ToString(CultureInfo.InvariantCulture);
            return AuthProblems.Result(AuthProblems.TooManyAttempts(wait));
        }
        // Too long to be anyone's password: wrong without hashing it.
        if (request.Password.Length > UserRules.MaxPasswordLength || users.Verify(request.UserName, request.Password) is not { } user)
            return AuthProblems.Result(AuthProblems.WrongPassword());
        var (session, cookie) = sessions.Start(user.Name);
        await users.RecordSignInAsync(user.Name, CancellationToken.None);
        http.Response.Cookies.Append(AuthNames.SessionCookie, cookie, CookieOptions(http));
        return TypedResults.Ok(Info(session));
    }

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over
    /// TLS; no expiry of its own: it ends with the browser or with the session.
    /// </summary>
    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = http.Request.IsHttps, IsEssential = true,
    };

    private static SessionInfo Info(Session session) =>
        new() { UserName = session.UserName, CsrfToken = session.CsrfToken, ExpiresAt = session.ExpiresAt };
}
