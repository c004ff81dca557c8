using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Switches;

namespace Nube.Cli.Commands;

/// <summary><c>nube switch ...</c>: the host's virtual switches, which VMs' adapters connect to by name.</summary>
public static class SwitchCommands
{
    public static Command Build()
    {
        var sw = new Command("switch", "Virtual switches: private (VMs of this host only) or internal (VMs and the host)");
        sw.Subcommands.Add(New());
        sw.Subcommands.Add(List());
        sw.Subcommands.Add(Show());
        sw.Subcommands.Add(Set());
        sw.Subcommands.Add(Remove());
        return sw;
    }

    private static Argument<string> Name() => new("name") { Description = "The switch's name (or id)" };

    private static Option<string[]> Addresses() => new("--address")
    {
        Description = "An address of the host on an internal switch, with its prefix length (192.168.50.1/24); repeat for more",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command New()
    {
        var name = new Argument<string>("name") { Description = "The new switch's name: letters, digits, '.', '_' and '-'" };
        var kind = new Option<string>("--kind") { Description = "private (the default), internal or external", DefaultValueFactory = _ => "private" };
        var uplink = new Option<string?>("--interface") { Description = "External switch: the host interface it bridges (the host keeps using it through the switch)" };
        var confirm = new Option<bool>("--confirm") { Description = "External switch: move the host's default route to the switch's bridge too" };
        var addresses = Addresses();
        var notes = new Option<string?>("--notes") { Description = "Free text about the switch" };
        var nat = new Option<bool>("--nat") { Description = "Internal switch: the VMs reach beyond it through the host (NAT)" };
        var dhcp = new Option<bool>("--dhcp") { Description = "Internal switch: the host hands out addresses and serves DNS on it" };
        var c = new Command("new", "Make a virtual switch") { name, kind, uplink, confirm, addresses, nat, dhcp, notes };
        c.SetHandler(async (p, client, ct) =>
        {
            var made = await client.Switches.CreateAsync(new SwitchSettings
            {
                Name = p.GetValue(name), Kind = p.GetValue(kind), HostAddresses = p.GetValue(addresses) is { Length: > 0 } a ? a : null, Notes = p.GetValue(notes),
                Nat = p.GetValue(nat) ? true : null, Dhcp = p.GetValue(dhcp) ? true : null,
                Interface = p.GetValue(uplink), Confirm = p.GetValue(confirm) ? true : null,
            }, ct);
            Printer.Say(p, made, ContractsJson.Default.SwitchInfo, s => $"Made the {s.Kind} switch '{s.Name}' (bridge {s.Bridge}).");
        });
        return c;
    }

    private static Command List()
    {
        var c = new Command("list", "List the virtual switches");
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.Switches.ListAsync(ct), ContractsJson.Default.IReadOnlyListSwitchInfo, SwitchTables.List));
        return c;
    }

    private static Command Show()
    {
        var name = Name();
        var c = new Command("show", "Show a virtual switch and the adapters on it") { name };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.Switches.GetAsync(p.GetValue(name)!, ct), ContractsJson.Default.SwitchInfo, SwitchTables.Details));
        return c;
    }

    private static Command Set()
    {
        var name = Name();
        var rename = new Option<string?>("--name") { Description = "A new name (while no adapter names the switch)" };
        var addresses = Addresses();
        var clear = new Option<bool>("--no-addresses") { Description = "Take every host address off the switch" };
        var notes = new Option<string?>("--notes") { Description = "Free text about the switch" };
        var nat = OnOff("--nat", "NAT for the VMs beyond an internal switch");
        var dhcp = OnOff("--dhcp", "DHCP and DNS for the VMs on an internal switch");
        var c = new Command("set", "Change a virtual switch") { name, rename, addresses, clear, nat, dhcp, notes };
        c.SetHandler(async (p, client, ct) =>
        {
            var given = p.GetValue(addresses) is { Length: > 0 } a ? a : null;
            if (given is not null && p.GetValue(clear))
                throw new CliException(ExitCodes.Usage, "--address and --no-addresses contradict each other; give one of them.");
            var changed = await client.Switches.UpdateAsync(p.GetValue(name)!, new SwitchSettings
            {
                Name = p.GetValue(rename), HostAddresses = p.GetValue(clear) ? [] : given, Notes = p.GetValue(notes),
                Nat = p.GetValue(nat) is { } n ? n == "on" : null, Dhcp = p.GetValue(dhcp) is { } d ? d == "on" : null,
            }, ct);
            Printer.Say(p, changed, ContractsJson.Default.SwitchInfo, s => $"Switch '{s.Name}' is {s.Kind}" +
                (s.HostAddresses.Count > 0 ? $", the host at {string.Join(", ", s.HostAddresses)}." : "."));
        });
        return c;
    }

    private static Option<string?> OnOff(string name, string what)
    {
        var option = new Option<string?>(name) { Description = $"{what}: on or off" };
        option.AcceptOnlyFromAmong("on", "off");
        return option;
    }

    private static Command Remove()
    {
        var name = Name();
        var force = new Option<bool>("--force") { Description = "Leave the adapters on it not connected instead of refusing" };
        var c = new Command("remove", "Remove a virtual switch; refused while adapters name it, unless --force") { name, force };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.Switches.RemoveAsync(p.GetValue(name)!, p.GetValue(force), ct);
            Printer.Say(p, removed, ContractsJson.Default.SwitchInfo, s => $"Removed switch '{s.Name}'.");
        });
        return c;
    }
}
