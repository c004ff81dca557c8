using Nube.Contracts.HostSystem;

namespace Nube.Cli.Sconfig;

/// <summary>
/// The main menu, numbered as Hyper-V Server's SCONFIG and showing each item's current value, in 19
/// lines of at most 80 columns, so that a message of up to three lines and the prompt fit below it on
/// a 24-line terminal.
/// </summary>
internal static class MenuScreen
{
    public const int Items = 15;
    private const int LabelWidth = 36;

    public static IEnumerable<string> Lines(MenuSnapshot s)
    {
        var rule = new string('=', MenuText.Width - 1);
        yield return rule;
        yield return "Nube Server Configuration".PadLeft((MenuText.Width + 25) / 2);
        yield return rule;
        yield return "";
        // Clusters come with a later version of Nube: until then every host stands alone.
        yield return Item("1) Cluster membership:", "Stand-alone");
        yield return Item("2) Host name:", s.System.Show(x => x.HostName));
        yield return Item("3) Add local administrator", s.Users.Value is { } users ? MenuText.Count(users.Count, "user", "users") : "");
        yield return Item("4) Configure remote management", s.Host.Show(h => h.Remote.Enabled
            ? $"On, {h.Remote.Url ?? $"{h.Remote.Address}:{h.Remote.Port}"}{(h.Remote.Tls ? "" : " (no TLS)")}"
            : "Off"));
        yield return Item("5) Updates:", s.Updates.Show(u => u.Packages.Count == 0
            ? $"Up to date (lists of {MenuText.When(u.ListsUpdatedAt)})"
            : $"{u.Packages.Count} available (lists of {MenuText.When(u.ListsUpdatedAt)})"));
        yield return Item("6) Download and install updates", "");
        yield return Item("7) Web console:", s.Host.Show(h => h.WebConsole ? "Enabled" : "Disabled"));
        yield return Item("8) Network settings:", s.System.Show(x => Network(x.Interfaces)));
        yield return Item("9) Date and time:", s.System.Show(x => $"{x.TimeZone}, {x.LocalTime:HH:mm}, NTP {x.Ntp}"));
        yield return Item("10) Show this menu at login:", s.System.Show(x => MenuText.OnOff(x.LoginMenu)));
        yield return Item("11) Failover clustering feature:", "Disabled");
        yield return "12) Log off user";
        yield return "13) Restart server";
        yield return "14) Shut down server";
        yield return "15) Exit to command line";
    }

    /// <summary>The first interface that is up with an address other than loopback, as the screenshot's item 8 names one.</summary>
    public static string Network(IReadOnlyList<NetworkInterfaceInfo> interfaces)
    {
        var active = interfaces.Where(i => i.State == "up" && i.Addresses.Count > 0).ToList();
        if (active.Count == 0)
            return "No active network adapters found.";
        var first = active[0];
        var more = active.Count > 1 ? $" (+{active.Count - 1} more)" : "";
        return $"{first.Name} {first.Addresses[0]}{more}";
    }

    private static string Item(string label, string value) =>
        value.Length == 0 ? label : label.PadRight(LabelWidth) + MenuText.Fit(MenuText.OneLine(value), MenuText.Width - 1 - LabelWidth);
}
