using System.Globalization;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// Network adapters on the command line, as <see cref="AdapterModel"/> describes them, in the JSON
/// form QMP takes too. Returns the ports on virtual switches (or on none), whose TAPs the launcher makes.
/// </summary>
internal static class NetworkArguments
{
    public static IReadOnlyList<SwitchPort> Add(VmConfig vm, List<string> argv, Descriptors fds)
    {
        var ports = new List<SwitchPort>();
        foreach (var rootPort in AdapterModel.RootPorts(vm))
            argv.AddRange(["-device", rootPort.ToJson().ToJsonString()]);
        for (var i = 0; i < vm.NetworkAdapters.Length; i++)
        {
            var parts = AdapterModel.Of(vm, vm.NetworkAdapters[i], $"networkAdapters[{i}]");
            if (parts.Port is { } port)
                ports.Add(port);
            if (parts.Netdev is { } netdev)
                argv.AddRange(["-netdev", netdev.ToJson(tap: t => Pass(t, fds)).ToJsonString()]);
            argv.AddRange(["-device", parts.Device.ToJson().ToJsonString()]);
        }
        return ports;
    }

    /// <summary>One inherited descriptor per queue, attached to the TAP that exists.</summary>
    private static string Pass(TapQueues tap, Descriptors fds) =>
        string.Join(':', Enumerable.Range(0, tap.Count).Select(_ =>
            fds.Pass(tap.MultiQueue ? DescriptorKind.TapQueue : DescriptorKind.Tap, tap.Field, tap.Tap).ToString(CultureInfo.InvariantCulture)));
}
