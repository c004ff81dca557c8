using Nube.Contracts.Switches;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>The tables of <c>switch list</c> and <c>switch show</c>.</summary>
public static class SwitchTables
{
    public static IRenderable List(IReadOnlyList<SwitchInfo> switches)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Switch").AddColumn("Kind").AddColumn("Host addresses")
            .AddColumn("Bridge").AddColumn("State").AddColumn(new TableColumn("Adapters").RightAligned());
        foreach (var s in switches)
            t.AddRow(Markup.Escape(s.Name), s.Kind + (s.Interface is { } uplink ? $" on {Markup.Escape(uplink)}" : "") + (s.Nat ? ", NAT" : "") + (s.Dhcp ? ", DHCP" : ""),
                Markup.Escape(s.HostAddresses.Count == 0 ? "-" : string.Join(", ", s.HostAddresses)),
                s.Bridge, State(s), s.Adapters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return t;
    }

    public static IRenderable Details(SwitchInfo s)
    {
        var rows = new List<(string, string?)>
        {
            ("Name", s.Name), ("Id", s.Id.ToString()), ("Kind", s.Kind),
            ("Host interface", s.Interface),
            ("Host addresses", s.HostAddresses.Count == 0 ? "-" : string.Join(", ", s.HostAddresses)),
            ("NAT", s.Nat ? "on" : "off"), ("DHCP", s.Dhcp ? $"on, leases {s.DhcpRange}" : "off"),
            ("Bridge", s.Bridge), ("State", s.Ready ? "ready" : $"not ready: {s.Problem}"),
        };
        if (s.Notes.Length > 0)
            rows.Add(("Notes", s.Notes));
        rows.Add(("Adapters", s.Adapters.Count == 0 ? "none" : string.Join(", ", s.Adapters.Select(a => $"{a.Vm} {a.Adapter} ({a.MacAddress}, TAP {a.Tap})"))));
        return Printer.KeyValues([.. rows]);
    }

    private static string State(SwitchInfo s) => s.Ready ? "[green]ready[/]" : $"[red]not ready[/]: {Markup.Escape(s.Problem ?? "")}";
}
