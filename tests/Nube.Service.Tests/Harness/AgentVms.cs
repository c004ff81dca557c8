using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Vms;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Tests.Harness;

/// <summary>VMs whose guest agent answers, for the integration services' tests.</summary>
internal static class AgentVms
{
    /// <summary>
    /// A heartbeat every second that waits a second: the fake clock paces the interval, and the
    /// agent client's own timeout is real time, so a silent agent costs a test about a second.
    /// </summary>
    public static VmPatch Fast { get; } = new()
    {
        IntegrationServices = new IntegrationPatch { HeartbeatIntervalSeconds = 1, HeartbeatTimeoutSeconds = 1 },
    };

    /// <summary>A running VM whose agent is up and whose heartbeat reads OK.</summary>
    public static async Task<(VmController Vm, FakeQemu Qemu)> RunningWithAgentAsync(this ServiceHarness host, string name, VmPatch? patch = null)
    {
        var (vm, qemu) = await host.RunningVmAsync(name, patch ?? Fast);
        qemu.StartAgent();
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.Ok, "the heartbeat answers",
            TimeSpan.FromSeconds(1));
        return (vm, qemu);
    }

    public static IntegrationStatus Status(VmController vm, IntegrationService service) => IntegrationView.Of(vm.Snapshot, service).Status;
}
