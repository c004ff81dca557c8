namespace Nube.Contracts.Auth;

public sealed record SignInRequest
{
    public required string UserName { get; init; }
    public required string Password { get; init; }
}
