namespace Nube.Service.Auth;

/// <summary>How a request proved who sent it.</summary>
public enum CallerKind
{
    /// <summary>The UNIX socket, which only root can open.</summary>
    Socket,
    /// <summary>The bearer token from nubed's <c>--token-file</c>: a script's, acting for no user.</summary>
    LegacyToken,
    /// <summary>An API token made with <c>nube token new</c>, acting as its user.</summary>
    ApiToken,
    /// <summary>The session cookie of a signed-in browser.</summary>
    Session,
    /// <summary>Nobody yet: the sign-in request over TCP, the one API request that needs no proof.</summary>
    Anonymous,
}
