using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Primitives;
using Nube.Contracts;
using Nube.Contracts.Auth;
using Nube.Service.Api;

namespace Nube.Service.Auth;

/// <summary>
/// The one authentication of nubed. The UNIX socket is trusted: its file mode admits root only.
/// Over TCP, every <c>/api/</c> request but the sign-in needs a bearer token (an API token or the
/// legacy token file's) or the session cookie; with the cookie, a state change must also carry the
/// session's CSRF token in <c>X-Nube-Csrf</c>, and a WebSocket whose <c>Origin</c> is another
/// site's is refused (a browser cannot add the header to a WebSocket, but always sends Origin).
/// Paths outside <c>/api/</c> (the web console's files) pass, so that its sign-in page loads; so does
/// the sign-in endpoint, the one marked to allow anonymous callers.
/// The WebSockets and event streams a credential opened are aborted when the credential ends:
/// revoked, signed out, or expired (a session's and a token's own timers end them).
/// </summary>
public sealed class AuthGate(RequestDelegate next, UserStore users, TokenStore tokens, SessionStore sessions, LegacyToken legacy,
    ILoggerFactory logs)
{
    private readonly ILogger log = AuthLog.Create(logs);

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Connection.LocalIpAddress is null)
        {
            http.Features.Set(Caller.Socket);
            await next(http);
            return;
        }
        var api = IsApi(http);
        // At the answer's start, so that an answer the exception handler writes (it clears the headers set before) has them too.
        http.Response.OnStarting(() =>
        {
            SecurityHeaders(http.Response, api);
            return Task.CompletedTask;
        });
        if (!api)
        {
            await next(http);
            return;
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            http.Features.Set(Caller.Anonymous);
            await next(http);
            return;
        }
        var caller = await AuthenticateAsync(http);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            var (problem, what) = http.Request.Headers.Authorization.Count > 0 ? (AuthProblems.BadBearerToken(), AuthLog.Refusals.BadBearerToken)
                : http.Request.Cookies.ContainsKey(AuthNames.SessionCookieFor(http.Request.IsHttps)) ? (AuthProblems.SessionEnded(), AuthLog.Refusals.EndedSession)
                : (AuthProblems.NotSignedIn(), AuthLog.Refusals.NoCredential);
            log.Refused(what, http.Connection.RemoteIpAddress);
            await RefuseAsync(http, problem);
            return;
        }
        // Named before a refusal too: the audit says whose credential a cross-origin page or a forged change used.
        http.Features.Set(caller);
        if (Refusal(http, caller) is { } refused)
        {
            log.Refused(refused.What, http.Connection.RemoteIpAddress);
            await RefuseAsync(http, refused.Problem);
            return;
        }
        using (Ending(caller).Register(AbortIfStreaming, http))
            await next(http);
    }

    private async Task<Caller?> AuthenticateAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string scheme = "Bearer ";
            if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                return null;
            var secret = header[scheme.Length..].Trim();
            if (legacy.Matches(secret))
                return Caller.LegacyToken;
            if (tokens.Find(secret) is not { } token || users.Find(token.UserName) is null)
                return null;
            await tokens.TouchAsync(token, http.RequestAborted);
            return new Caller(CallerKind.ApiToken, token.UserName, Token: token);
        }
        // Over TLS only the __Host- cookie counts: a plain one may have been planted over HTTP.
        if (http.Request.Cookies[AuthNames.SessionCookieFor(http.Request.IsHttps)] is not { Length: > 0 } cookie
            || sessions.Find(cookie) is not { } session)
            return null;
        // The user may have been removed by a path that did not end its sessions (a restore of users.json): checked each time.
        if (users.Find(session.UserName) is null)
        {
            sessions.End(session);
            return null;
        }
        return new Caller(CallerKind.Session, session.UserName, Session: session);
    }

    /// <summary>Why an authenticated request is still refused: a cross-origin WebSocket, a cookie's change without its CSRF token.</summary>
    private static (ApiProblem Problem, string What)? Refusal(HttpContext http, Caller caller)
    {
        if (http.WebSockets.IsWebSocketRequest && !OriginAllowed(http.Request))
            return (AuthProblems.CrossOrigin(http.Request.Headers.Origin.ToString()), AuthLog.Refusals.CrossOrigin);
        if (caller.Session is { } session && ChangesState(http.Request.Method)
            && !Matches(http.Request.Headers[AuthNames.CsrfHeader], session.CsrfToken))
            return (AuthProblems.MissingCsrf(), AuthLog.Refusals.MissingCsrf);
        return null;
    }

    /// <summary>
    /// Ends a WebSocket, an event stream or any answer already under way whose credential ended.
    /// A plain request still being handled finishes: it was allowed when it came, and it may be the
    /// very request that ended the credential (a sign-out, a user removing itself).
    /// </summary>
    private static void AbortIfStreaming(object? state)
    {
        var http = (HttpContext)state!;
        if (http.WebSockets.IsWebSocketRequest || http.Response.HasStarted
            || http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            http.Abort();
    }

    private CancellationToken Ending(Caller caller) => caller switch
    {
        { Session: { } session } => session.Ended,
        { Token: { } token } => tokens.Ended(token),
        _ => CancellationToken.None,
    };

    /// <summary>
    /// Whether a WebSocket's Origin lets it through, failing closed: none (a client that is not a
    /// browser) or exactly one that is this host's own; two, an empty or a malformed one are refused.
    /// </summary>
    public static bool OriginAllowed(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Origin switch
        {
            [] => true,
            [{ } origin] => SameOrigin(request, origin),
            _ => false,
        };
    }

    /// <summary>Whether Origin is this request's own scheme://host:port, as the browser addressed it.</summary>
    public static bool SameOrigin(HttpRequest request, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !request.Host.HasValue)
            return false;
        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(o.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(o.Host.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            && o.Port == port && o.AbsolutePath == "/";
    }

    /// <summary>
    /// An API path, by the request's path or by the route it matched (routing ignores case, and
    /// the gate must not be subtler than the router).
    /// </summary>
    private static bool IsApi(HttpContext http) =>
        ApiRoutes.Owns(http.Request.Path)
        || (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.TrimStart('/').StartsWith("api", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Anything but a read: POST, PUT, PATCH, DELETE and any method the router does not know.</summary>
    private static bool ChangesState(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool Matches(StringValues given, string expected) =>
        given is [{ } value] && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(expected));

    /// <summary>For the API and the web console alike; the console adds its own Content-Security-Policy.</summary>
    private static void SecurityHeaders(HttpResponse response, bool api)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // Answers carry secrets (a new token, a CSRF token): no cache may keep them.
        if (api)
            response.Headers.CacheControl = "no-store";
    }

    private static Task RefuseAsync(HttpContext http, ApiProblem problem) => ProblemMapper.WriteAsync(http, problem, http.RequestAborted);
}
