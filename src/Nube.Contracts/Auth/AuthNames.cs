namespace Nube.Contracts.Auth;

/// <summary>The names the browser and the API agree on for sessions.</summary>
public static class AuthNames
{
    /// <summary>
    /// The session cookie over TLS: HttpOnly, SameSite=Strict, Secure, Path=/ and no Domain, which
    /// the <c>__Host-</c> prefix makes browsers insist on, so that no plain-HTTP page and no other
    /// host's page can plant or overwrite it.
    /// </summary>
    public const string SecureSessionCookie = "__Host-nube_session";

    /// <summary>The session cookie over plain HTTP (loopback only), where browsers refuse a <c>__Host-</c> cookie, which must be Secure.</summary>
    public const string SessionCookie = "nube_session";
    /// <summary>The header a cookie-authenticated state change must carry, with the session's CSRF token.</summary>
    public const string CsrfHeader = "X-Nube-Csrf";

    /// <summary>The session cookie's name on a connection with or without TLS.</summary>
    public static string SessionCookieFor(bool tls) => tls ? SecureSessionCookie : SessionCookie;
}
