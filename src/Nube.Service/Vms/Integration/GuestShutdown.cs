using System.Net.Sockets;
using Nube.Core.Integration;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Operating system shutdown: asks the guest, through its agent, to power off. Only tried when
/// the service is enabled and the agent answered during this run and is not known lost, and
/// then only after a ping within the heartbeat's timeout, so that an agent gone quiet costs a stop
/// no more than that before the ACPI power button.
/// </summary>
public static class GuestShutdown
{
    /// <summary>True when the guest took the request (it then powers off by itself).</summary>
    public static async Task<bool> AskAsync(IVmRun vm, QemuSession run, Core.Hosts.HostConfig host, ILogger logger,
        CancellationToken ct)
    {
        var now = vm.Snapshot;
        var settings = now.Config?.IntegrationServices;
        if (settings?.IsEnabled(IntegrationService.Shutdown) != true || run.Agent.LastReply is null)
            return false;
        if (settings.Heartbeat && now.Integration.GetValueOrDefault(IntegrationService.Heartbeat)?.Status == IntegrationStatus.LostCommunication)
            return false;
        var timeout = settings.HeartbeatTimeout(host);
        try
        {
            await run.Agent.UseAsync(async (agent, t) =>
            {
                await agent.ExecuteAsync("guest-ping", null, timeout, t).ConfigureAwait(false);
                await agent.ShutdownAsync(GuestShutdownMode.Powerdown, t).ConfigureAwait(false);
                return true;
            }, timeout, ct).ConfigureAwait(false);
            vm.Integration.Answered(IntegrationService.Shutdown);
            return true;
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException)
        {
            logger.LogInformation("VM {Name}: cannot ask the guest to shut down through its agent ({Error}); pressing the power button",
                now.Name, e.Message);
            vm.Integration.Failed(IntegrationService.Shutdown, e.Message);
            return false;
        }
    }
}
