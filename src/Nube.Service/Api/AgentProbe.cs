using System.Net.Sockets;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Api;

/// <summary>
/// A sign of life from the guest agent, over the VM's own agent session, for <c>vm show</c>; with
/// data exchange enabled, also the guest's IP addresses per adapter, as Hyper-V reads them through
/// its data exchange service.
/// </summary>
public static class AgentProbe
{
    /// <param name="Addresses">Each adapter's addresses by its MAC (lower case); null when not asked or not answered.</param>
    public sealed record Result(GuestAgentStatus Status, IReadOnlyDictionary<string, IReadOnlyList<string>>? Addresses);

    /// <summary>Null when the VM is not running.</summary>
    public static async Task<Result?> ProbeAsync(VmController vm, TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero || vm.Snapshot.State != VmState.Running || vm.Session is not { } run)
            return null;
        var exchange = vm.Snapshot.Config?.IntegrationServices.IsEnabled(IntegrationService.DataExchange) == true;
        try
        {
            return await run.Agent.UseAsync(async (agent, t) =>
            {
                await agent.PingAsync(t);
                var info = await agent.GetInfoAsync(t);
                var status = new GuestAgentStatus { Responding = true, Version = info.Version };
                return new Result(status, exchange ? await AddressesAsync(agent, t) : null);
            }, wait, ct);
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException or ObjectDisposedException)
        {
            return new Result(new GuestAgentStatus { Responding = false, Error = e.Message }, null);
        }
    }

    /// <summary>Null when the guest cannot say (an agent without the command, or an error).</summary>
    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> AddressesAsync(GuestAgentClient agent, CancellationToken ct)
    {
        try
        {
            // The parser bounds the report and keeps only what parses as an address.
            return (await agent.GetNetworkInterfacesAsync(ct))
                .Where(i => i.MacAddress is not null && i.Addresses.Count > 0)
                .GroupBy(i => i.MacAddress!)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.SelectMany(i => i.Addresses)
                    .Where(a => !a.Address.IsIPv6LinkLocal).Select(a => a.ToString()).Distinct()]);
        }
        catch (Exception e) when (e is GuestAgentCommandException or GuestAgentProtocolException)
        {
            return null;
        }
    }
}
