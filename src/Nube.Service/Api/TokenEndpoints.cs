using Nube.Contracts.Auth;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>API tokens: bearer secrets for scripts, each acting as a user.</summary>
public static class TokenEndpoints
{
    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v1/tokens").WithTags("Tokens");
        tokens.MapGet("/", (TokenStore store) => store.All.Select(TokenStore.ToInfo).ToList())
            .Describe("ListTokens", "List the API tokens", "Every token with its user, expiry and last use; never a secret.");
        tokens.MapPost("/", async (HttpContext http, Accounts accounts, CancellationToken ct) =>
        {
            var (token, secret) = await accounts.CreateTokenAsync(await JsonBody.ReadAsync<NewTokenRequest>(http), Caller.Of(http), ct);
            return TypedResults.Created($"/api/v1/tokens/{token.Id}", new NewToken { Token = TokenStore.ToInfo(token), Secret = secret });
        }).Describe("CreateToken", "Create an API token", "A new token acting as a user; its secret is in this answer and nowhere else.")
            .Reads<NewTokenRequest>();
        tokens.MapDelete("/{id}", async (string id, TokenStore store) =>
            await store.RevokeAsync(id, CancellationToken.None) is { } token
                ? TypedResults.Ok(TokenStore.ToInfo(token))
                : AuthProblems.Result(AuthProblems.NotFound($"There is no token '{id}'.")))
            .Describe("RevokeToken", "Revoke an API token", "Revokes a token at once; requests it authenticated end.")
            .Produces<TokenInfo>().Problems(StatusCodes.Status404NotFound);
    }
}
