using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Auth;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary><c>nube user ...</c>: the users of the web console and the API, every one an administrator of the host.</summary>
public static class UserCommands
{
    private static readonly Argument<string> NameArg = new("name") { Description = "The user's name, e.g. alice" };

    public static Command Build()
    {
        var user = new Command("user", "Users of the web console and the API (every user administers the host)");
        user.Subcommands.Add(List());
        user.Subcommands.Add(Add());
        user.Subcommands.Add(Remove());
        user.Subcommands.Add(Passwd());
        return user;
    }

    private static Option<FileInfo?> PasswordFile() => new("--password-file")
    {
        Description = "Read the password from this file's first line (else it is asked for, or read from standard input)",
    };

    private static Command List()
    {
        var c = new Command("list", "List the users");
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.ListUsersAsync(ct), ContractsJson.Default.IReadOnlyListUserInfo, Table));
        return c;
    }

    private static Command Add()
    {
        var file = PasswordFile();
        var c = new Command("add", "Add a user with a password") { NameArg, file };
        c.SetHandler(async (p, client, ct) =>
        {
            var name = p.GetValue(NameArg)!;
            var added = await client.AddUserAsync(name, PasswordInput.Read(p.GetValue(file), name), ct);
            Printer.Say(p, added, ContractsJson.Default.UserInfo, u => $"Added user '{u.Name}'.");
        });
        return c;
    }

    private static Command Remove()
    {
        var c = new Command("remove", "Remove a user; its API tokens and sessions end at once") { NameArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.RemoveUserAsync(p.GetValue(NameArg)!, ct);
            Printer.Say(p, removed, ContractsJson.Default.UserInfo, u => $"Removed user '{u.Name}', with its API tokens and sessions.");
        });
        return c;
    }

    private static Command Passwd()
    {
        var file = PasswordFile();
        var c = new Command("passwd", "Give a user a new password; its sessions end (its API tokens stay)") { NameArg, file };
        c.SetHandler(async (p, client, ct) =>
        {
            var name = p.GetValue(NameArg)!;
            var changed = await client.SetPasswordAsync(name, PasswordInput.Read(p.GetValue(file), name), ct);
            Printer.Say(p, changed, ContractsJson.Default.UserInfo, u => $"Changed the password of '{u.Name}'; its sessions are ended.");
        });
        return c;
    }

    private static IRenderable Table(IReadOnlyList<UserInfo> users)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Name").NoWrap()).AddColumn("Created").AddColumn("Last sign-in");
        foreach (var u in users)
            t.AddRow(new Text(u.Name), new Text(JobText.When(u.CreatedAt)), new Text(u.LastSignInAt is { } at ? JobText.When(at) : "never"));
        return t;
    }
}
