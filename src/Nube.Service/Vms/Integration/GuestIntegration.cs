using Nube.Core.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// One VM's integration services across its runs: the monitor of the current run (heartbeat,
/// time synchronization) and the freeze of its file systems (backup). A run's services start
/// when its session attaches and end when the run is forgotten; none runs on the controller's loop.
/// </summary>
public sealed class GuestIntegration(IVmRun vm, VmServices services, ILogger logger)
{
    private readonly Lock gate = new(); // guards monitor
    private IntegrationMonitor? monitor;

    /// <summary>Freeze and thaw of the guest's file systems, for operators and for consistent operations.</summary>
    public GuestFreeze Freeze { get; } = new(vm, services, logger);

    /// <summary>A run's session attached: its services start. Called on the controller's loop, so it only starts them.</summary>
    public void Begin(QemuSession run)
    {
        var started = new IntegrationMonitor(vm, run, services, Freeze, logger);
        IntegrationMonitor? earlier;
        lock (gate)
        {
            earlier = monitor;
            monitor = started;
        }
        if (earlier is not null)
            _ = earlier.StopAsync();
        started.Start();
    }

    /// <summary>After a resume: the guest's clock stood still while it was paused.</summary>
    public void RequestTimeSync() => Current?.RequestTimeSync();

    /// <summary>The VM's settings changed: services enabled or disabled read so, and new timings apply at once.</summary>
    public void SettingsChanged(IntegrationSettings before, IntegrationSettings after)
    {
        if (before == after)
            return;
        vm.Integration.SettingsChanged(before, after);
        Current?.Wake();
    }

    /// <summary>The run is over: its services stop (its frozen file systems went with it).</summary>
    public async Task EndRunAsync()
    {
        IntegrationMonitor? ended;
        lock (gate)
        {
            ended = monitor;
            monitor = null;
        }
        if (ended is not null)
            await ended.StopAsync().ConfigureAwait(false);
        await Freeze.EndRunAsync().ConfigureAwait(false);
    }

    /// <summary>The host service stops while the VM runs on: a frozen guest is thawed, then the services stop.</summary>
    public async Task LeaveAsync()
    {
        await Freeze.ThawBeforeLeavingAsync().ConfigureAwait(false);
        await EndRunAsync().ConfigureAwait(false);
    }

    private IntegrationMonitor? Current
    {
        get
        {
            lock (gate)
                return monitor;
        }
    }
}
