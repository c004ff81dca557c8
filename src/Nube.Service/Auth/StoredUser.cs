namespace Nube.Service.Auth;

/// <summary>A user as kept in <c>users.json</c>.</summary>
public sealed record StoredUser
{
    public required string Name { get; init; }
    /// <summary>See <see cref="Auth.PasswordHash"/>.</summary>
    public required string PasswordHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
}
