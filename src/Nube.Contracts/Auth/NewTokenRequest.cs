namespace Nube.Contracts.Auth;

public sealed record NewTokenRequest
{
    public required string Name { get; init; }
    /// <summary>The user the token acts as; over the UNIX socket it must be given, over TCP it defaults to the caller.</summary>
    public string? UserName { get; init; }
    /// <summary>Days until it expires; null never.</summary>
    public int? ExpiresInDays { get; init; }
}
