namespace Nube.Contracts.Auth;

/// <summary>The names the browser and the API agree on for sessions.</summary>
public static class AuthNames
{
    /// <summary>The session cookie: HttpOnly, SameSite=Strict, Secure when TLS is on.</summary>
    public const string SessionCookie = "nube_session";
    /// <summary>The header a cookie-authenticated state change must carry, with the session's CSRF token.</summary>
    public const string CsrfHeader = "X-Nube-Csrf";
}
