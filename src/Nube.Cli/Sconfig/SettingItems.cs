using Nube.Contracts.Client;
using Nube.Contracts.Hosts;
using Nube.Contracts.HostSystem;

namespace Nube.Cli.Sconfig;

/// <summary>The items that change one setting each: host name (2), web console (7), date and time (9), menu at login (10).</summary>
internal sealed class SettingItems(NubeApiClient client, MenuConsole io)
{
    public async Task<MenuOutcome> HostNameAsync(MenuSnapshot s, CancellationToken ct)
    {
        io.Line();
        io.Line($"Host name: {s.System.Show(x => x.HostName)}");
        io.Line("Letters, digits and hyphens; dots between labels of up to 63 characters.");
        var name = io.Ask("Enter the new host name (blank to keep it): ");
        if (string.IsNullOrEmpty(name))
            return MenuOutcome.Nothing;
        var changed = await client.SetHostSystemAsync(new HostSystemSettings { HostName = name }, ct);
        return new($"The host name is now {changed.HostName}.");
    }

    public async Task<MenuOutcome> WebConsoleAsync(MenuSnapshot s, CancellationToken ct)
    {
        var on = (s.Host.Value ?? await client.GetHostAsync(ct)).WebConsole;
        io.Line();
        io.Line(on
            ? "The web console is enabled: the TCP listener serves it along with the API."
            : "The web console is disabled: the TCP listener serves the API only.");
        if (!io.Confirm(on ? "Disable the web console?" : "Enable the web console?"))
            return new("Nothing was changed.");
        var changed = await client.SetHostAsync(new HostSettings { WebConsole = !on }, ct);
        return new(changed.WebConsole ? "The web console is enabled." : "The web console is disabled.");
    }

    public async Task<MenuOutcome> DateAndTimeAsync(CancellationToken ct)
    {
        var system = await client.GetHostSystemAsync(ct);
        io.Line();
        io.Line($"Time zone:   {system.TimeZone}");
        io.Line($"Local time:  {system.LocalTime:yyyy-MM-dd HH:mm:ss zzz}");
        io.Line($"NTP:         {system.Ntp}");
        io.Line();
        var zone = io.Ask("Enter a time zone such as Europe/Berlin or UTC (blank to keep it): ");
        if (string.IsNullOrEmpty(zone))
            return MenuOutcome.Nothing;
        var changed = await client.SetHostSystemAsync(new HostSystemSettings { TimeZone = zone }, ct);
        return new($"The time zone is now {changed.TimeZone} (local time {changed.LocalTime:HH:mm}).");
    }

    public async Task<MenuOutcome> LoginMenuAsync(MenuSnapshot s, CancellationToken ct)
    {
        var on = (s.System.Value ?? await client.GetHostSystemAsync(ct)).LoginMenu;
        var changed = await client.SetHostSystemAsync(new HostSystemSettings { LoginMenu = !on }, ct);
        return new(changed.LoginMenu
            ? "This menu now opens at every interactive root login."
            : "This menu no longer opens at login; 'nube sconfig' starts it.");
    }

    public async Task<MenuOutcome> NetworkAsync(CancellationToken ct)
    {
        var system = await client.GetHostSystemAsync(ct);
        io.Clear();
        io.Line("Network settings (read-only until Nube has virtual switches)");
        io.Line();
        io.Line(MenuText.Row(("Interface", 14), ("State", 9), ("MAC address", 19), ("MTU", 7), ("Addresses", 0)));
        var lines = 0;
        foreach (var nic in system.Interfaces)
        {
            IReadOnlyList<string> addresses = nic.Addresses.Count == 0 ? ["-"] : nic.Addresses;
            for (var i = 0; i < addresses.Count && lines < 16; i++, lines++)
                io.Line(i == 0
                    ? MenuText.Row((nic.Name, 14), (nic.State, 9), (nic.MacAddress ?? "-", 19), (nic.Mtu?.ToString() ?? "-", 7), (addresses[i], 0))
                    : MenuText.Row(("", 14), ("", 9), ("", 19), ("", 7), (addresses[i], 0)));
        }
        if (lines == 16)
            io.Line("... (ip addr shows the rest)");
        io.Line();
        io.Pause();
        return MenuOutcome.Nothing;
    }
}
