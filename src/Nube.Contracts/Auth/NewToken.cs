namespace Nube.Contracts.Auth;

/// <summary>A token just made: <see cref="Secret"/> is what a client sends as 'Authorization: Bearer'.</summary>
public sealed record NewToken
{
    public required TokenInfo Token { get; init; }
    public required string Secret { get; init; }
}
