using Nube.Contracts.Auth;
using Nube.Contracts.Client;

namespace Nube.Cli.Sconfig;

/// <summary>Item 3: the users of the web console and the API, every one an administrator of the host; adds one.</summary>
internal sealed class UsersItem(NubeApiClient client, MenuConsole io)
{
    private const int Shown = 12;

    public async Task<MenuOutcome> RunAsync(CancellationToken ct)
    {
        var users = await client.ListUsersAsync(ct);
        io.Clear();
        io.Line("Users of the web console and the API (each one administers the host)");
        io.Line();
        if (users.Count == 0)
            io.Line("  No users yet.");
        else
            io.Line(MenuText.Row(("  Name", 34), ("Created", 20), ("Last signed in", 0)));
        foreach (var user in users.Take(Shown))
            io.Line(MenuText.Row(($"  {user.Name}", 34), (MenuText.When(user.CreatedAt), 20), (MenuText.When(user.LastSignInAt), 0)));
        if (users.Count > Shown)
            io.Line($"  ... and {users.Count - Shown} more ('nube user list' shows them all)");
        io.Line();
        var name = io.Ask("Name of the new local administrator (blank to go back): ");
        if (string.IsNullOrEmpty(name))
            return MenuOutcome.Nothing;
        var password = io.AskSecret($"Password for {name}: ");
        if (password is null)
            return new("No user was added.");
        var again = io.AskSecret("The same password again: ");
        if (again is null)
            return new("No user was added.");
        if (again != password)
            return new("error: the two passwords differ; no user was added.");
        var added = await client.AddUserAsync(name, password, ct);
        return new($"User '{added.Name}' was added; it signs in to the web console and the API.");
    }
}
