namespace Nube.Service.Auth;

/// <summary>An API token as kept in <c>tokens.json</c>: its secret only as a hash.</summary>
public sealed record StoredToken
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string UserName { get; init; }
    /// <summary>SHA-256 of the secret (see <see cref="TokenSecret"/>).</summary>
    public required string SecretHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}
