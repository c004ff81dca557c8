using Nube.Contracts.Client;
using Nube.Contracts.HostSystem;

namespace Nube.Cli.Sconfig;

/// <summary>
/// The menu's loop: draw the items with their current values, read a number, run the item, and show
/// what it did (or why not, in one line) above the next prompt. It ends with item 15, a log-off, a
/// restart or shut-down under way, or the end of the input.
/// </summary>
internal sealed class MainMenu(NubeApiClient client, MenuConsole io)
{
    public async Task RunAsync(CancellationToken ct)
    {
        string? message = null;
        while (true)
        {
            var snapshot = await MenuSnapshot.LoadAsync(client, ct);
            io.Clear();
            foreach (var line in MenuScreen.Lines(snapshot))
                io.Line(line);
            io.Line();
            if (message is not null)
                io.Line(message);
            var choice = io.Ask("Enter number to select an option: ");
            if (choice is null)
                return;
            MenuOutcome outcome;
            try
            {
                outcome = await ChooseAsync(choice, snapshot, ct);
            }
            catch (Exception e) when (e is NubeApiException or HttpRequestException)
            {
                outcome = new(MenuText.Error(e));
            }
            if (outcome.Leave)
            {
                if (outcome.Message is not null)
                    io.Line(outcome.Message);
                return;
            }
            if (io.Ended)
                return;
            message = outcome.Message;
        }
    }

    private Task<MenuOutcome> ChooseAsync(string choice, MenuSnapshot snapshot, CancellationToken ct)
    {
        var settings = new SettingItems(client, io);
        var power = new PowerItems(client, io);
        var updates = new UpdatesItem(client, io);
        return choice switch
        {
            "1" => Say("This host is stand-alone: clusters come with a later version of Nube."),
            "2" => settings.HostNameAsync(snapshot, ct),
            "3" => new UsersItem(client, io).RunAsync(ct),
            "4" => new RemoteItem(client, io).RunAsync(ct),
            "5" => updates.ShowAsync(ct),
            "6" => updates.ApplyAsync(ct),
            "7" => settings.WebConsoleAsync(snapshot, ct),
            "8" => settings.NetworkAsync(ct),
            "9" => settings.DateAndTimeAsync(ct),
            "10" => settings.LoginMenuAsync(snapshot, ct),
            "11" => Say("Failover clustering is not available until the cluster is built (a later version of Nube)."),
            "12" => Task.FromResult(power.LogOff()),
            "13" => power.PowerAsync(PowerActions.Restart, ct),
            "14" => power.PowerAsync(PowerActions.Shutdown, ct),
            "15" => Task.FromResult(MenuOutcome.Exit()),
            "" => Task.FromResult(MenuOutcome.Nothing),
            _ => Say($"'{MenuText.Fit(choice, 20)}' is not an option; enter a number from 1 to {MenuScreen.Items}."),
        };
    }

    private static Task<MenuOutcome> Say(string message) => Task.FromResult(new MenuOutcome(message));
}
