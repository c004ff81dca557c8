using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Nube.Contracts.Auth;
using Nube.Core.Validation;
using Nube.Service.Audit;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>Signing in and out of the web console: a session cookie and its CSRF token.</summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // The one API route open to anyone: the gate lets it through for its AllowAnonymous mark.
        var routes = app.MapGroup("/api/v1/session").WithTags("Session");
        routes.MapPost("/", SignInAsync).AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(JsonBody.SignInLimit))
            .Describe("SignIn", "Sign in", "Starts a session: sets the session cookie and answers the CSRF token its changes carry. " +
                "Attempts are limited per address and per user name (429 with Retry-After).")
            .Reads<SignInRequest>().Produces<SessionInfo>().Problems(StatusCodes.Status429TooManyRequests);
        routes.MapGet("/", (HttpContext http) =>
            Caller.Of(http).Session is { } session ? TypedResults.Ok(Info(session)) : AuthProblems.Result(AuthProblems.NotSignedIn()))
            .Describe("GetSession", "Show the session", "The session of the cookie sent: its user, CSRF token and end.").Produces<SessionInfo>();
        routes.MapDelete("/", (HttpContext http, SessionStore sessions) =>
        {
            if (Caller.Of(http).Session is { } session)
                sessions.End(session);
            http.Response.Cookies.Delete(AuthNames.SessionCookieFor(http.Request.IsHttps), CookieOptions(http));
            return TypedResults.NoContent();
        }).Describe("SignOut", "Sign out", "Ends the session of the cookie sent and deletes the cookie.");
    }

    /// <summary>
    /// Every attempt counts against its address before its body is read, so that malformed ones
    /// (refused with 400 naming the field) count as well; a readable one then against its user name.
    /// </summary>
    private static async Task<IResult> SignInAsync(HttpContext http, UserStore users, SessionStore sessions, SignInLimiter limiter,
        ILoggerFactory logs)
    {
        var log = AuthLog.Create(logs);
        var from = http.Connection.RemoteIpAddress;
        if (limiter.TryAddress(from) is { } wait)
        {
            log.SignInLimited(null, from);
            return TooManyAttempts(http, wait);
        }
        var request = await JsonBody.ReadAsync<SignInRequest>(http);
        AuditFacts.Of(http)?.SignInUser = request.UserName;
        if (limiter.TryUser(request.UserName) is { } userWait)
        {
            log.SignInLimited(request.UserName, from);
            return TooManyAttempts(http, userWait);
        }
        // Too long to be anyone's password: wrong without hashing it.
        if (request.Password.Length > UserRules.MaxPasswordLength || users.Verify(request.UserName, request.Password) is not { } user)
        {
            log.SignInFailed(request.UserName, from);
            return Refused(http, AuthProblems.WrongPassword());
        }
        log.SignedIn(user.Name, from);
        var (session, cookie) = sessions.Start(user.Name);
        await users.RecordSignInAsync(user.Name, CancellationToken.None);
        http.Response.Cookies.Append(AuthNames.SessionCookieFor(http.Request.IsHttps), cookie, CookieOptions(http));
        return TypedResults.Ok(Info(session));
    }

    private static IResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        http.Response.Headers.RetryAfter = AuthProblems.Seconds(wait).ToString(CultureInfo.InvariantCulture);
        return Refused(http, AuthProblems.TooManyAttempts(wait));
    }

    private static IResult Refused(HttpContext http, Contracts.ApiProblem problem)
    {
        AuditFacts.Of(http)?.Problem = problem.Title;
        return AuthProblems.Result(problem);
    }

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/ and no
    /// Domain; over TLS Secure and named <c>__Host-</c>; no expiry of its own: it ends with the
    /// browser or with the session.
    /// </summary>
    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = http.Request.IsHttps, IsEssential = true,
    };

    private static SessionInfo Info(Session session) =>
        new() { UserName = session.UserName, CsrfToken = session.CsrfToken, ExpiresAt = session.ExpiresAt };
}
