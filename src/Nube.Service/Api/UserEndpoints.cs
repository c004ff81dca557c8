using Nube.Contracts.Auth;
using Nube.Service.Auth;

namespace Nube.Service.Api;

/// <summary>The users of the web console and the API; every one is an administrator of the host.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");
        users.MapGet("/", (UserStore store) => store.All.Select(UserStore.ToInfo).ToList()).Describe("ListUsers", "List the users");
        users.MapPost("/", async (HttpContext http, Accounts accounts, CancellationToken ct) =>
        {
            var user = await accounts.AddUserAsync(await JsonBody.ReadAsync<NewUserRequest>(http), ct);
            return TypedResults.Created($"/api/v1/users/{user.Name}", UserStore.ToInfo(user));
        }).Describe("AddUser", "Add a user", "Adds a user with a password; every user is an administrator of the host.")
            .Reads<NewUserRequest>().Problems(StatusCodes.Status409Conflict);
        users.MapDelete("/{name}", async (string name, Accounts accounts) =>
            await accounts.RemoveUserAsync(name) is { } user ? TypedResults.Ok(UserStore.ToInfo(user)) : NoSuchUser(name))
            .Describe("RemoveUser", "Remove a user", "Removes a user, ending its sessions and revoking its tokens.")
            .Produces<UserInfo>().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        users.MapPut("/{name}/password", async (string name, HttpContext http, Accounts accounts, CancellationToken ct) =>
            await accounts.SetPasswordAsync(name, (await JsonBody.ReadAsync<PasswordRequest>(http)).Password, Caller.Of(http).Session, ct) is { } user
                ? TypedResults.Ok(UserStore.ToInfo(user))
                : NoSuchUser(name))
            .Describe("SetPassword", "Set a user's password", "Sets the password and ends the user's sessions but the one asking; its API tokens stay.")
            .Reads<PasswordRequest>().Produces<UserInfo>().Problems(StatusCodes.Status404NotFound);
    }

    private static IResult NoSuchUser(string name) => AuthProblems.Result(AuthProblems.NotFound($"There is no user '{name}'."));
}
