using Nube.Core.Switches;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// Network adapters: each is a device with its id (<c>nic0</c>), on a backend <c>net0</c>
/// (<see cref="DeviceIds.Backend"/>) when connected. Returns the ports on virtual switches, whose
/// TAPs the launcher makes.
/// </summary>
public static class NetworkArguments
{
    internal static IReadOnlyList<SwitchPort> Add(VmConfig vm, List<string> argv, Descriptors fds)
    {
        var adapters = vm.NetworkAdapters;
        var processors = vm.ProcessorCount;
        var ports = new List<SwitchPort>();
        for (var i = 0; i < adapters.Length; i++)
        {
            var adapter = adapters[i];
            var model = NetworkAdapter.ModelOf(adapter);
            var device = Device(model);
            var backend = DeviceIds.Backend(adapter);
            // An adapter that is not connected still gets its TAP (on no bridge) and starts with its link
            // down, as Hyper-V's "Not connected": it can then be connected while the VM runs.
            if (adapter.Switch == NetworkAdapter.UserMode)
            {
                argv.AddRange(["-netdev", $"user,id={backend}"]);
                device += $",netdev={backend}";
            }
            else if ((NetworkAdapter.TapName(adapter) ?? PortOf(vm, adapter, ports)) is { } tap)
            {
                // A queue pair per vCPU lets each guest CPU send and receive on its own, as
                // Hyper-V's vRSS does; the TAP must then have been made with multi_queue.
                // Each pair takes two MSI-X vectors, plus one for configuration and one for control.
                var queues = model == NicModel.VirtioNet ? processors : 1;
                // nubed attaches to the TAP that exists (one descriptor per queue) and hands the
                // descriptors over: QEMU opens no device itself, and any user may own the TAP.
                var field = $"networkAdapters[{i}].switch";
                var fdList = queues > 1
                    ? "fds=" + string.Join(':', Enumerable.Range(0, queues).Select(_ => fds.Pass(DescriptorKind.TapQueue, field, tap)))
                    : $"fd={fds.Pass(DescriptorKind.Tap, field, tap)}";
                argv.AddRange(["-netdev", $"tap,id={backend},{fdList}"]);
                device += $",netdev={backend}" + (queues > 1 ? $",mq=on,vectors={2 * queues + 2}" : "");
            }
            // A longer receive ring than QEMU's 256 drops fewer packets when the guest falls behind:
            // host-to-guest TCP went from 250 to 297 MB/s under TCG (bench figure 4). The send ring
            // stays at 256, the most QEMU allows without vhost-user.
            if (model == NicModel.VirtioNet)
                device += ",rx_queue_size=1024";
            // A null MAC only reaches here if the host did not assign one; QEMU then picks its default.
            if (adapter.MacAddress is not null)
                device += $",mac={QemuOption.Escape(adapter.MacAddress)}";
            argv.AddRange(["-device", $"{device},id={adapter.Id}"]);
        }
        return ports;
    }

    /// <summary>The TAP of an adapter on a virtual switch or on none, named from the VM's and the adapter's ids (<see cref="Port"/>).</summary>
    private static string? PortOf(VmConfig vm, NetworkAdapter adapter, List<SwitchPort> ports)
    {
        if (Port(vm, adapter) is not { } port)
            return null;
        ports.Add(port);
        return port.Tap;
    }

    /// <summary>The port nubed makes for an adapter on a virtual switch or on none; null for user-mode NAT and an operator's TAP.</summary>
    public static SwitchPort? Port(VmConfig vm, NetworkAdapter adapter) =>
        NetworkAdapter.HasPort(adapter)
            ? new SwitchPort(vm.Name, adapter.Id, LinkNames.Tap(vm.Id, adapter.Id), adapter.Switch,
                NetworkAdapter.ModelOf(adapter) == NicModel.VirtioNet && vm.ProcessorCount > 1,
                new PortGuards(adapter.MacAddress, adapter.MacAddressSpoofing, adapter.DhcpGuard, adapter.RouterGuard), adapter.VlanId ?? 1,
                adapter.MaximumBandwidthMbps)
            : null;

    public static string Device(NicModel model) => model switch
    {
        NicModel.Tulip => "tulip",
        NicModel.E1000 => "e1000",
        _ => "virtio-net-pci",
    };
}
