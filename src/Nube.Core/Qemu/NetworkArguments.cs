using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>Network adapters: adapter i is device <c>nic&lt;i&gt;</c>, on backend <c>net&lt;i&gt;</c> when connected.</summary>
internal static class NetworkArguments
{
    public static void Add(ImmutableArray<NetworkAdapter> adapters, List<string> argv)
    {
        for (var i = 0; i < adapters.Length; i++)
        {
            var adapter = adapters[i];
            var device = adapter.Kind == NetworkAdapterKind.Legacy ? "tulip" : "virtio-net-pci";
            // An unconnected adapter is a device without a backend: the guest sees a NIC with no link partner,
            // like Hyper-V's "Not connected" (QEMU warns "nic ... has no peer", which is expected).
            if (adapter.Switch == NetworkAdapter.UserMode)
            {
                argv.AddRange(["-netdev", $"user,id=net{i}"]);
                device += $",netdev=net{i}";
            }
            // A null MAC only reaches here if the host did not assign one; QEMU then picks its default.
            if (adapter.MacAddress is not null)
                device += $",mac={QemuOption.Escape(adapter.MacAddress)}";
            argv.AddRange(["-device", $"{device},id=nic{i}"]);
        }
    }
}
