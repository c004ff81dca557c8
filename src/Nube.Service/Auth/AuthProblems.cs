using Nube.Contracts;

namespace Nube.Service.Auth;

/// <summary>The refusals of authentication, as problem documents, in one wording for every route.</summary>
public static class AuthProblems
{
    public static ApiProblem NotSignedIn() => new()
    {
        Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized",
        Detail = "Sign in, or send 'Authorization: Bearer <token>' (an API token from 'nube token new').",
    };

    public static ApiProblem BadBearerToken() => new()
    {
        Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized",
        Detail = "The bearer token is not valid: revoked, expired, of a removed user, or mistyped.",
    };

    public static ApiProblem SessionEnded() => new()
    {
        Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized",
        Detail = "The session has ended (signed out, expired, its user removed or given a new password, or nubed restarted): sign in again.",
    };

    /// <summary>The same for a wrong user name and a wrong password, so that it does not tell which user names exist.</summary>
    public static ApiProblem WrongPassword() => new()
    {
        Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = "The user name or the password is not right.",
    };

    public static ApiProblem MissingCsrf() => new()
    {
        Status = StatusCodes.Status403Forbidden, Title = "Forbidden",
        Detail = $"A change made with the session cookie needs the header {Contracts.Auth.AuthNames.CsrfHeader} with the session's CSRF token.",
    };

    public static ApiProblem CrossOrigin(string origin) => new()
    {
        Status = StatusCodes.Status403Forbidden, Title = "Forbidden",
        Detail = $"A WebSocket whose Origin is not this host's own ('{origin}') is refused: open it from this host's own web console.",
    };

    public static ApiProblem TooManyAttempts(TimeSpan retryAfter) => new()
    {
        Status = StatusCodes.Status429TooManyRequests, Title = "Too many sign-in attempts",
        Detail = $"Too many sign-in attempts for this user name or from this address; try again in {Seconds(retryAfter)} s.",
    };

    public static ApiProblem NotFound(string detail) => new() { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = detail };

    /// <summary>A problem as an endpoint's answer.</summary>
    public static IResult Result(ApiProblem problem) =>
        TypedResults.Json(problem, ContractsJson.Default.ApiProblem, "application/problem+json", problem.Status);

    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
