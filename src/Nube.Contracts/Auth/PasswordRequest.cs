namespace Nube.Contracts.Auth;

public sealed record PasswordRequest
{
    public required string Password { get; init; }
}
