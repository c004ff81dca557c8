using System.Globalization;
using Nube.Core.Switches;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>A network adapter's backend (<c>-netdev</c>, none when it has no connection QEMU opens) and its device.</summary>
/// <param name="Port">The port nubed makes for it on a virtual switch or on none; null for user-mode NAT and an operator's TAP.</param>
public sealed record AdapterParts(QemuProps? Netdev, QemuProps Device, SwitchPort? Port);

/// <summary>
/// The TAP descriptors a backend takes, one per queue: nubed attaches to the TAP and hands them
/// over, so that QEMU opens no device itself and any user may own the TAP. At a cold boot they
/// are inherited descriptors; at a hot add, descriptors passed with QMP <c>getfd</c> under
/// <see cref="Names"/>.
/// </summary>
/// <param name="Field">The configuration field the TAP comes from, for errors.</param>
public sealed record TapQueues(string Backend, string Tap, int Count, string Field)
{
    public bool MultiQueue => Count > 1;

    /// <summary>The names a hot add passes them under (<c>net0-q0</c> ...).</summary>
    public IEnumerable<string> Names => Enumerable.Range(0, Count).Select(q => $"{Backend}-q{q.ToString(CultureInfo.InvariantCulture)}");
}

/// <summary>
/// The one model of network adapters, for the command line and for hot add alike: each is a
/// device with its id (<c>nic0</c>) on a backend <c>net0</c> (<see cref="DeviceIds.Backend"/>),
/// at its own PCI slot when it has one (<see cref="NetworkAdapter.PciSlot"/>).
/// </summary>
public static class AdapterModel
{
    /// <param name="field">The adapter's configuration field (<c>networkAdapters[0]</c>), for errors.</param>
    public static AdapterParts Of(VmConfig vm, NetworkAdapter adapter, string field)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(adapter);
        var model = NetworkAdapter.ModelOf(adapter);
        var backend = DeviceIds.Backend(adapter);
        var device = QemuProps.Of(("driver", Driver(model)), ("id", adapter.Id));
        var port = Port(vm, adapter);
        QemuProps? netdev = null;
        // An adapter that is not connected still gets its TAP (on no bridge) and starts with its link
        // down, as Hyper-V's "Not connected": it can then be connected while the VM runs.
        if (adapter.Switch == NetworkAdapter.UserMode)
            netdev = QemuProps.Of(("type", "user"), ("id", backend));
        else if ((NetworkAdapter.TapName(adapter) ?? port?.Tap) is { } tap)
        {
            // A queue pair per vCPU lets each guest CPU send and receive on its own, as Hyper-V's
            // vRSS does; the TAP must then have been made with multi_queue.
            var queues = model == NicModel.VirtioNet ? vm.ProcessorCount : 1;
            var fds = new TapQueues(backend, tap, queues, $"{field}.switch");
            netdev = QemuProps.Of(("type", "tap"), ("id", backend), (queues > 1 ? "fds" : "fd", fds));
        }
        if (netdev is not null)
            device = device.With("netdev", backend);
        // A null MAC only reaches here if the host did not assign one; QEMU then picks its default.
        if (adapter.MacAddress is not null)
            device = device.With("mac", adapter.MacAddress);
        if (adapter.PciSlot is { } slot)
        {
            // Generation 2: in the slot's root port when it has one, else on the root bus (no hot plug there).
            device = Generations.RootPortSlots(vm).Contains(slot) ? device.With("bus", RootPort(slot))
                : device.With("bus", vm.Generation == 2 ? "pcie.0" : "pci.0").With("addr", $"0x{slot:x}");
        }
        if (netdev?["fds"] is TapQueues { Count: var count })
        {
            // Each queue pair takes two MSI-X vectors, plus one for configuration and one for control.
            device = device.With("mq", true).With("vectors", 2 * count + 2);
        }
        // A longer receive ring than QEMU's 256 drops fewer packets when the guest falls behind:
        // host-to-guest TCP went from 250 to 297 MB/s under TCG (bench figure 4). The send ring
        // stays at 256, the most QEMU allows without vhost-user.
        if (model == NicModel.VirtioNet)
            device = device.With("rx_queue_size", 1024);
        return new(netdev, device, port);
    }

    /// <summary>The id of the root port in a slot (generation 2).</summary>
    public static string RootPort(int slot) => $"port{slot}";

    /// <summary>
    /// A generation 2 VM's PCI Express root ports, one per slot (<see cref="Generations.RootPortSlots"/>),
    /// each its own chassis: present from the start, so that an adapter can be plugged into an empty one.
    /// </summary>
    public static IEnumerable<QemuProps> RootPorts(VmConfig vm) =>
        Generations.RootPortSlots(vm).Select(slot => QemuProps.Of(("driver", "pcie-root-port"), ("id", RootPort(slot)), ("bus", "pcie.0"),
            ("addr", $"0x{slot:x}"), ("chassis", slot), ("port", slot)));

    /// <summary>The port nubed makes for an adapter on a virtual switch or on none; null for user-mode NAT and an operator's TAP.</summary>
    public static SwitchPort? Port(VmConfig vm, NetworkAdapter adapter) =>
        NetworkAdapter.HasPort(adapter)
            ? new SwitchPort(vm.Name, adapter.Id, LinkNames.Tap(vm.Id, adapter.Id), adapter.Switch,
                NetworkAdapter.ModelOf(adapter) == NicModel.VirtioNet && vm.ProcessorCount > 1,
                new PortGuards(adapter.MacAddress, adapter.MacAddressSpoofing, adapter.DhcpGuard, adapter.RouterGuard, adapter.AllowedAddresses), adapter.VlanId ?? 1,
                adapter.MaximumBandwidthMbps, adapter.MinimumBandwidthWeight)
            : null;

    public static string Driver(NicModel model) => model switch
    {
        NicModel.Tulip => "tulip",
        NicModel.E1000 => "e1000",
        _ => "virtio-net-pci",
    };
}
