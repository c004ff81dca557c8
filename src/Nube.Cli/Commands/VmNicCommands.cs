using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube vm nic list|add|remove|connect</c>: a VM's network adapters one at a time, as Hyper-V's
/// Add-, Remove- and Connect-VMNetworkAdapter; a synthetic adapter also while the VM runs (hot add
/// and remove), a connection at any time. Each changes the VM's adapter list through the API.
/// </summary>
public static class VmNicCommands
{
    private static readonly Argument<string> AdapterArg = new("adapter") { Description = "The adapter's id (nic1) or MAC address" };

    public static Command Build(Argument<string> vmArg)
    {
        var nic = new Command("nic", "A VM's network adapters: list them, add one, remove one, connect one to a switch or to none");
        nic.Subcommands.Add(List(vmArg));
        nic.Subcommands.Add(Add(vmArg));
        nic.Subcommands.Add(Remove(vmArg));
        nic.Subcommands.Add(Connect(vmArg));
        return nic;
    }

    private static Command List(Argument<string> vmArg)
    {
        var c = new Command("list", "List a VM's network adapters with their ids, slots, MACs and switches") { vmArg };
        c.SetHandler(async (p, client, ct) => Show(p, await AdaptersAsync(client, p.GetValue(vmArg)!, ct)));
        return c;
    }

    private static Command Add(Argument<string> vmArg)
    {
        var spec = new Argument<string>("spec")
        {
            Description = "As --nic of vm new: synthetic|legacy[:MODEL][:SWITCH|user|tap:IFNAME][,vlan=ID][,bandwidth=MBIT_PER_S][,weight=1-100][,ip=ADDRESS...][,mac-spoofing|dhcp-guard|router-guard=on|off]",
        };
        var mac = new Option<string?>("--mac") { Description = "A static MAC address (default: the next one of the host's range)" };
        var c = new Command("add", "Add a network adapter; a synthetic one on a switch, or on none, also while the VM runs (hot add)") { vmArg, spec, mac };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            var adapter = NicSpec.Parse(p.GetValue(spec)!) with { MacAddress = p.GetValue(mac) };
            Show(p, await ChangeAsync(client, vm, [.. await AdaptersAsync(client, vm, ct), adapter], ct));
        });
        return c;
    }

    private static Command Remove(Argument<string> vmArg)
    {
        var c = new Command("remove", "Remove a network adapter; a synthetic one also while the VM runs (hot remove)") { vmArg, AdapterArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            var adapters = await AdaptersAsync(client, vm, ct);
            var gone = Find(adapters, vm, p.GetValue(AdapterArg)!);
            Show(p, await ChangeAsync(client, vm, [.. adapters.Where(a => a != gone)], ct));
        });
        return c;
    }

    private static Command Connect(Argument<string> vmArg)
    {
        var target = new Argument<string?>("switch") { Description = "The virtual switch; none to disconnect the adapter", Arity = ArgumentArity.ZeroOrOne };
        var c = new Command("connect", "Connect an adapter to a virtual switch, or to none without a switch; also while the VM runs") { vmArg, AdapterArg, target };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            var adapters = await AdaptersAsync(client, vm, ct);
            var adapter = Find(adapters, vm, p.GetValue(AdapterArg)!);
            var to = p.GetValue(target) is { Length: > 0 } name ? name : null;
            Show(p, await ChangeAsync(client, vm, [.. adapters.Select(a => a == adapter ? a with { Switch = to } : a)], ct));
        });
        return c;
    }

    private static async Task<IReadOnlyList<NetworkAdapterSettings>> AdaptersAsync(NubeApiClient client, string vm, CancellationToken ct) =>
        (await client.GetVmAsync(vm, 0, ct)).Settings?.NetworkAdapters ?? [];

    private static async Task<IReadOnlyList<NetworkAdapterSettings>> ChangeAsync(NubeApiClient client, string vm,
        IReadOnlyList<NetworkAdapterSettings> adapters, CancellationToken ct) =>
        (await client.SetVmAsync(vm, new VmSettings { NetworkAdapters = adapters }, ct)).Settings?.NetworkAdapters ?? [];

    private static NetworkAdapterSettings Find(IReadOnlyList<NetworkAdapterSettings> adapters, string vm, string which) =>
        adapters.FirstOrDefault(a => a.Id == which || string.Equals(a.MacAddress, which, StringComparison.OrdinalIgnoreCase))
        ?? throw new CliException(ExitCodes.NotFound, $"VM '{vm}' has no network adapter '{which}'; it has " +
            (adapters.Count == 0 ? "none" : string.Join(", ", adapters.Select(a => $"{a.Id} ({a.MacAddress})"))));

    private static void Show(ParseResult p, IReadOnlyList<NetworkAdapterSettings> adapters) =>
        Printer.Print(p, adapters, ContractsJson.Default.IReadOnlyListNetworkAdapterSettings, Table);

    private static IRenderable Table(IReadOnlyList<NetworkAdapterSettings> adapters)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Id").AddColumn("Slot").AddColumn("Kind").AddColumn("MAC").AddColumn("Switch").AddColumn("Port");
        foreach (var a in adapters)
        {
            var port = string.Join(", ", new[]
            {
                a.VlanId is { } vlan ? $"VLAN {vlan}" : null,
                a.MaximumBandwidthMbps is { } mbps ? $"at most {mbps} Mbit/s" : null,
                a.MinimumBandwidthWeight is { } weight ? $"bandwidth weight {weight}" : null,
                a.AllowedAddresses is { Count: > 0 } allowed ? $"sends from {string.Join(", ", allowed)} only" : null,
                a.MacAddressSpoofing == true ? "MAC spoofing allowed" : null,
                a.DhcpGuard == false ? "DHCP guard off" : null,
                a.RouterGuard == false ? "router guard off" : null,
            }.OfType<string>());
            t.AddRow(new Text(a.Id ?? ""), new Text(a.PciSlot is { } slot ? $"{slot}" : "(QEMU's)"), new Text($"{a.Kind}{(a.Model is { } m ? $" ({m})" : "")}"),
                new Text(a.MacAddress ?? ""), new Text(a.Switch ?? "(not connected)"), new Text(port));
        }
        return t;
    }
}
