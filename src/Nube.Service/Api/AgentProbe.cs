using System.Net.Sockets;
using Nube.Contracts.Vms;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Api;

/// <summary>A sign of life from the guest agent, over the VM's own agent session, for <c>vm show</c>.</summary>
public static class AgentProbe
{
    /// <summary>Null when the VM is not running.</summary>
    public static async Task<GuestAgentStatus?> ProbeAsync(VmController vm, TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero || vm.Snapshot.State != VmState.Running || vm.Session is not { } run)
            return null;
        try
        {
            var info = await run.Agent.UseAsync(async (agent, t) =>
            {
                await agent.PingAsync(t);
                return await agent.GetInfoAsync(t);
            }, wait, ct);
            return new GuestAgentStatus { Responding = true, Version = info.Version };
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException or ObjectDisposedException)
        {
            return new GuestAgentStatus { Responding = false, Error = e.Message };
        }
    }
}
