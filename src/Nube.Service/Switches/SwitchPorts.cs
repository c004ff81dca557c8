using Nube.Core.Qemu;
using Nube.Service.Vms.Devices;

namespace Nube.Service.Switches;

/// <summary>One running VM's ports on this host's virtual switches.</summary>
public sealed class SwitchPorts(Guid vm, SwitchNetwork switches, SwitchBook book) : IPortHost
{
    public Task SetPortAsync(SwitchPort port, CancellationToken ct) => switches.SetAsync(vm, port, book.Find, ct);

    public Task AddPortAsync(SwitchPort port, CancellationToken ct) => switches.AddAsync(vm, port, book.Find, ct);

    public Task RemovePortAsync(SwitchPort port, CancellationToken ct) => switches.RemoveAsync(port, ct);
}
