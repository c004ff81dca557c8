using System.CommandLine;
using Nube.Cli.Commands;

namespace Nube.Cli.Sconfig;

/// <summary><c>nube sconfig</c>: the host's text menu, as Hyper-V Server's SCONFIG.</summary>
public static class SconfigCommand
{
    public static Command Build()
    {
        var command = new Command("sconfig",
            "The host's configuration menu (host name, users, remote management, updates, web console, network, " +
            "date and time, restart, shut down), for an 80x24 terminal");
        command.SetHandler((_, client, ct) => new MainMenu(client, MenuConsole.ForConsole()).RunAsync(ct));
        return command;
    }
}
