using Nube.Contracts.Auth;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>API tokens: bearer secrets for scripts, each acting as a user.</summary>
public static class TokenEndpoints
{
    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v1/tokens");
        tokens.MapGet("/", (TokenStore store) => store.All.Select(TokenStore.ToInfo).ToList());
        tokens.MapPost("/", async (HttpContext http, Accounts accounts, CancellationToken ct) =>
        {
            var (token, secret) = await accounts.CreateTokenAsync(await JsonBody.ReadAsync<NewTokenRequest>(http), Caller.Of(http), ct);
            return TypedResults.Created($"/api/v1/tokens/{token.Id}", new NewToken { Token = TokenStore.ToInfo(token), Secret = secret });
        });
        tokens.MapDelete("/{id}", async (string id, TokenStore store) =>
            await store.RevokeAsync(id, CancellationToken.None) is { } token
                ? TypedResults.Ok(TokenStore.ToInfo(token))
                : AuthProblems.Result(AuthProblems.NotFound($"There is no token '{id}'.")));
    }
}
