namespace Nube.Contracts.Auth;

/// <summary>Who is signed in, and the CSRF token that state changes in this session must send.</summary>
public sealed record SessionInfo
{
    public required string UserName { get; init; }
    public required string CsrfToken { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}
