namespace Nube.Contracts.Auth;

/// <summary>An API token; its secret is shown once, when it is made, and kept only as a hash.</summary>
public sealed record TokenInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The user it acts as.</summary>
    public required string UserName { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}
