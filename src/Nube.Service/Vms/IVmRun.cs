using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Service.Vms.Integration;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// What a VM's operations may change, and only from its controller's loop: the QEMU session,
/// the state and the rest of the snapshot.
/// </summary>
public interface IVmRun
{
    Guid Id { get; }
    VmRuntimePaths Paths { get; }
    string Marker { get; }
    VmSnapshot Snapshot { get; }
    QemuSession? Session { get; }

    /// <summary>Makes <paramref name="run"/> the VM's session and starts following its events.</summary>
    void Attach(QemuSession run);

    /// <summary>
    /// The QEMU run is over: no session, the running-VM slot given back, the run's facts (process,
    /// accelerator, start time, agent contact) cleared from the snapshot.
    /// </summary>
    void ForgetRun();

    /// <summary>Publishes a state (and why, when the user did not ask for it) as an event.</summary>
    void SetState(VmState state, string? reason = null);

    void Update(Func<VmSnapshot, VmSnapshot> change);

    /// <summary>Where the integration services record the guest's answers during a run.</summary>
    IntegrationReport Integration { get; }

    /// <summary>The integration services that run with the VM (heartbeat, time sync) and its freeze.</summary>
    GuestIntegration GuestIntegration { get; }

    /// <summary>Tells the controller when a QEMU whose control connection broke exits after all.</summary>
    void WatchExit(QemuSession run);

    /// <summary>Pins the machine type of a VM made before pinning, in its stored configuration.</summary>
    Task PinMachineAsync(string machine);

    /// <summary>Queues a start after a delay (crash restart), tracked and cancelled on removal.</summary>
    void ScheduleStart(TimeSpan delay, string why);
}
