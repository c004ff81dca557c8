using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Auth;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary><c>nube token ...</c>: API tokens, the bearer secrets scripts send over TCP, each acting as a user.</summary>
public static class TokenCommands
{
    public static Command Build()
    {
        var token = new Command("token", "API tokens for scripts: 'Authorization: Bearer <secret>' over TCP, acting as a user");
        token.Subcommands.Add(List());
        token.Subcommands.Add(New());
        token.Subcommands.Add(Revoke());
        return token;
    }

    private static Command List()
    {
        var c = new Command("list", "List the API tokens (never their secrets)");
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.ListTokensAsync(ct), ContractsJson.Default.IReadOnlyListTokenInfo, Table));
        return c;
    }

    private static Command New()
    {
        var name = new Argument<string>("name") { Description = "What the token is for, e.g. 'backup script'" };
        var user = new Option<string?>("--user")
        {
            Description = "The user it acts as (needed over the UNIX socket; over TCP it defaults to the caller's user)",
        };
        var days = new Option<int?>("--expires-in-days") { Description = "Days until it stops working (default: never)" };
        var c = new Command("new", "Make an API token; its secret is printed this once and kept only as a hash") { name, user, days };
        c.SetHandler(async (p, client, ct) =>
        {
            var made = await client.CreateTokenAsync(new NewTokenRequest
            {
                Name = p.GetValue(name)!, UserName = p.GetValue(user), ExpiresInDays = p.GetValue(days),
            }, ct);
            // The sentence for the person, the secret alone on stdout: 'nube token new ci > ci.token' keeps just the secret.
            var t = made.Token;
            if (!Printer.Json(p))
                Terminal.Error.WriteLine($"Made token {t.Id} ('{t.Name}') for {t.UserName}, {Expiry(t)}; its secret, shown this once:");
            Printer.Say(p, made, ContractsJson.Default.NewToken, m => m.Secret);
        });
        return c;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("id") { Description = "The token's id, as 'nube token list' shows it" };
        var c = new Command("revoke", "Revoke an API token; what it has open ends at once") { id };
        c.SetHandler(async (p, client, ct) =>
        {
            var revoked = await client.RevokeTokenAsync(p.GetValue(id)!, ct);
            Printer.Say(p, revoked, ContractsJson.Default.TokenInfo, t => $"Revoked token {t.Id} ('{t.Name}') of {t.UserName}.");
        });
        return c;
    }

    private static string Expiry(TokenInfo t) => t.ExpiresAt is { } at ? $"expiring {JobText.When(at)}" : "never expiring";

    private static IRenderable Table(IReadOnlyList<TokenInfo> tokens)
    {
        var t = new Table().Border(TableBorder.Rounded)
            // The id is what 'token revoke' takes: never broken across lines.
            .AddColumn(new TableColumn("Id").NoWrap()).AddColumn("Name").AddColumn("User").AddColumn("Created")
            .AddColumn("Expires").AddColumn("Last used");
        foreach (var k in tokens)
            t.AddRow(new Text(k.Id), new Text(k.Name), new Text(k.UserName), new Text(JobText.When(k.CreatedAt)),
                new Text(k.ExpiresAt is { } at ? JobText.When(at) : "never"), new Text(k.LastUsedAt is { } used ? JobText.When(used) : "never"));
        return t;
    }
}
