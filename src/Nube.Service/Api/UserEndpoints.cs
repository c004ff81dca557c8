using Nube.Contracts.Auth;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>The users of the web console and the API; every one is an administrator of the host.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users");
        users.MapGet("/", (UserStore store) => store.All.Select(UserStore.ToInfo).ToList());
        users.MapPost("/", async (HttpContext http, Accounts accounts, CancellationToken ct) =>
        {
            var user = await accounts.AddUserAsync(await JsonBody.ReadAsync<NewUserRequest>(http), ct);
            return TypedResults.Created($"/api/v1/users/{user.Name}", UserStore.ToInfo(user));
        });
        users.MapDelete("/{name}", async (string name, Accounts accounts) =>
            await accounts.RemoveUserAsync(name) is { } user ? TypedResults.Ok(UserStore.ToInfo(user)) : NoSuchUser(name));
        users.MapPut("/{name}/password", async (string name, HttpContext http, Accounts accounts, CancellationToken ct) =>
            await accounts.SetPasswordAsync(name, (await JsonBody.ReadAsync<PasswordRequest>(http)).Password, Caller.Of(http).Session, ct) is { } user
                ? TypedResults.Ok(UserStore.ToInfo(user))
                : NoSuchUser(name));
    }

    private static IResult NoSuchUser(string name) => AuthProblems.Result(AuthProblems.NotFound($"There is no user '{name}'."));
}
