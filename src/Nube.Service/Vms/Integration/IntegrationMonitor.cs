using Nube.Core.Hosts;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// The integration services that run by themselves for the length of one QEMU run, beside the
/// controller's loop: each heartbeat interval a ping (heartbeat), then, when the agent answers,
/// a check for file systems left frozen (once) and the guest's clock (after the first contact,
/// a resume or a restore, and every time-sync interval). Nothing is asked of a guest that is not
/// running (paused, saving, stopping): its silence then means nothing.
/// </summary>
public sealed class IntegrationMonitor(IVmRun vm, QemuSession run, VmServices services, GuestFreeze freeze, ILogger logger)
{
    private readonly CancellationTokenSource stop = new();
    private TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool syncDue = true; // the first contact sets the clock
    private DateTimeOffset? lastSync; // loop only
    private bool freezeChecked; // loop only
    private Task loop = Task.CompletedTask;

    public void Start() => loop = Task.Run(LoopAsync);

    /// <summary>Sets the guest's clock at the next turn, which comes at once (after a resume).</summary>
    public void RequestTimeSync()
    {
        syncDue = true;
        Wake();
    }

    /// <summary>Takes a turn now rather than at the end of the interval (the timings changed).</summary>
    public void Wake() => Interlocked.Exchange(ref wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var ct = stop.Token;
        while (!ct.IsCancellationRequested)
        {
            var woken = Volatile.Read(ref wake).Task;
            var interval = TimeSpan.FromSeconds(services.Host.Config.HeartbeatIntervalSeconds);
            if (vm.Snapshot.Config is { } config)
            {
                interval = config.IntegrationServices.HeartbeatInterval(services.Host.Config);
                try
                {
                    if (Running)
                        await TurnAsync(config.IntegrationServices, services.Host.Config, interval, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                {
                    // The run is ending: its agent session is closed, or closing.
                }
                catch (Exception e)
                {
                    // A bug in one turn must not end the heartbeat of the whole run.
                    logger.LogError(e, "VM {Name}: integration services turn failed", vm.Snapshot.Name);
                }
            }
            await Task.WhenAny(Task.Delay(interval, services.Clock, ct), woken).ConfigureAwait(false);
        }
    }

    /// <summary>The guest can answer: running, and this is still the VM's run.</summary>
    private bool Running => vm.Snapshot.State == VmState.Running && ReferenceEquals(vm.Session, run) && !stop.IsCancellationRequested;

    private async Task TurnAsync(IntegrationSettings settings, HostConfig host, TimeSpan interval, CancellationToken ct)
    {
        var timeout = settings.HeartbeatTimeout(host);
        if (settings.Heartbeat)
        {
            var (outcome, error) = await Heartbeat.BeatAsync(run.Agent, interval, timeout, services.Clock, ct).ConfigureAwait(false);
            // A guest paused (or stopping) while the ping waited did not fail to answer.
            if (!Running)
                return;
            if (outcome == BeatOutcome.Answered)
                vm.Integration.Answered(IntegrationService.Heartbeat);
            else if (outcome == BeatOutcome.Failed)
                vm.Integration.Failed(IntegrationService.Heartbeat, error!);
            if (outcome != BeatOutcome.Answered)
                return;
        }
        if (!freezeChecked)
        {
            freezeChecked = await freeze.ThawIfLeftFrozenAsync(run, timeout, ct).ConfigureAwait(false);
            if (!freezeChecked)
                return;
        }
        // A frozen guest refuses guest-set-time; its clock is set once it is thawed.
        if (settings.TimeSynchronization && vm.Snapshot.Freeze is null && SyncDue(settings.TimeSyncInterval(host)) && Running)
        {
            syncDue = false;
            if (await TimeSynchronizer.SyncAsync(run.Agent, vm.Integration, timeout, services.Clock, logger, ct).ConfigureAwait(false))
                lastSync = services.Clock.GetUtcNow();
            else
                syncDue = true;
        }
    }

    private bool SyncDue(TimeSpan interval) =>
        syncDue || (interval > TimeSpan.Zero && lastSync is { } last && services.Clock.GetUtcNow() - last >= interval);
}
