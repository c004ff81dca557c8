using System.Globalization;
using Nube.Contracts.Auth;
using Nube.Contracts.Client;

namespace Nube.Cli.Sconfig;

/// <summary>The API tokens of item 4: list, make (the secret is shown once), revoke.</summary>
internal sealed class TokenActions(NubeApiClient client, MenuConsole io)
{
    private const int Shown = 14;

    public async Task ListAsync(CancellationToken ct)
    {
        var tokens = await client.ListTokensAsync(ct);
        io.Clear();
        io.Line("API tokens (clients send one as 'Authorization: Bearer <secret>')");
        io.Line();
        Table(tokens);
        io.Line();
        io.Pause();
    }

    public async Task<string?> NewAsync(CancellationToken ct)
    {
        io.Line();
        var name = io.Ask("Name of the new token, such as backup-script (blank to go back): ");
        if (string.IsNullOrEmpty(name))
            return null;
        var user = io.Ask("The user it acts as: ");
        if (string.IsNullOrEmpty(user))
            return "error: a token acts as a user; no token was made.";
        var days = io.Ask("Days until it expires (blank: never): ");
        int? expires = null;
        if (!string.IsNullOrEmpty(days))
        {
            if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                return $"error: '{days}' is not a number of days; no token was made.";
            expires = d;
        }
        var made = await client.CreateTokenAsync(new NewTokenRequest { Name = name, UserName = user, ExpiresInDays = expires }, ct);
        io.Line();
        io.Line($"Token '{made.Token.Name}' (id {made.Token.Id}) acts as {made.Token.UserName}. Its secret, shown only now:");
        io.Line();
        io.Line(made.Secret);
        io.Line();
        io.Pause();
        return $"Token '{made.Token.Name}' was made.";
    }

    public async Task<string?> RevokeAsync(CancellationToken ct)
    {
        var tokens = await client.ListTokensAsync(ct);
        io.Clear();
        Table(tokens);
        io.Line();
        if (tokens.Count == 0)
        {
            io.Pause();
            return null;
        }
        var number = io.Ask("Number of the token to revoke (blank to go back): ");
        if (string.IsNullOrEmpty(number))
            return null;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > Math.Min(tokens.Count, Shown))
            return $"error: '{number}' is not a token's number; enter a number from 1 to {Math.Min(tokens.Count, Shown)}.";
        var token = tokens[n - 1];
        if (!io.Confirm($"Revoke token '{token.Name}'? Clients that use it lose access"))
            return "Nothing was changed.";
        await client.RevokeTokenAsync(token.Id, ct);
        return $"Token '{token.Name}' was revoked.";
    }

    private void Table(IReadOnlyList<TokenInfo> tokens)
    {
        if (tokens.Count == 0)
        {
            io.Line("  No API tokens.");
            return;
        }
        io.Line(MenuText.Row(("   #", 6), ("Name", 22), ("User", 16), ("Expires", 18), ("Last used", 0)));
        var number = 0;
        foreach (var t in tokens.Take(Shown))
            io.Line(MenuText.Row(($"{++number,4}", 6), (t.Name, 22), (t.UserName, 16), (MenuText.When(t.ExpiresAt), 18), (MenuText.When(t.LastUsedAt), 0)));
        if (tokens.Count > Shown)
            io.Line($"  ... and {tokens.Count - Shown} more ('nube token list' shows them all)");
    }
}
