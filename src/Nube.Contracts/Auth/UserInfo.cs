namespace Nube.Contracts.Auth;

/// <summary>A user of the web console and the API. Every user is an administrator of the host.</summary>
public sealed record UserInfo
{
    public required string Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
}
