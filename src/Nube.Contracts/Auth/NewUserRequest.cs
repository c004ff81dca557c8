namespace Nube.Contracts.Auth;

public sealed record NewUserRequest
{
    public required string Name { get; init; }
    public required string Password { get; init; }
}
