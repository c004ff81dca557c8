using Nube.Contracts.Events;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Events;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Starts data exchange with each run of each VM: follows the host's events, and a VM that comes
/// to run (a start, a restore, a reattach) or gets data exchange enabled is asked for its
/// exchange, which waits for the guest agent's first answer. Asking again is harmless.
/// </summary>
public sealed class KvpWatcher(EventHub events, VmRegistry registry, KvpService kvp, ILogger<KvpWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await using var stream = events.SubscribeAsync(null, stoppingToken).GetAsyncEnumerator(stoppingToken);
            try
            {
                // Subscribed by the first MoveNext: VMs that came to run before it are found by looking at them all.
                var next = stream.MoveNextAsync();
                foreach (var vm in registry.All)
                    Consider(vm);
                while (await next.ConfigureAwait(false))
                {
                    try
                    {
                        Seen(stream.Current);
                    }
                    catch (Exception e)
                    {
                        // A bug here must not end the watcher, and with it the host service.
                        logger.LogError(e, "Data exchange: cannot handle event {Type} of VM {Vm}", stream.Current.Type, stream.Current.VmId);
                    }
                    next = stream.MoveNextAsync();
                }
            }
            catch (EventStreamOverflowException)
            {
                logger.LogWarning("Data exchange fell behind the host's events; looking at every VM again");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Seen(HostEvent e)
    {
        if (e.VmId is not { } id)
            return;
        if (e.Type == HostEventTypes.VmRemoved)
        {
            kvp.Forget(id);
            return;
        }
        if (e.Type is not (HostEventTypes.VmStateChanged or HostEventTypes.VmChanged))
            return;
        try
        {
            Consider(registry.Resolve(id.ToString()));
        }
        catch (VmNotFoundException)
        {
            // Removed since.
        }
    }

    private void Consider(VmController vm)
    {
        var now = vm.Snapshot;
        if (now.State == VmState.Running && vm.Session is not null
            && now.Config?.IntegrationServices.IsEnabled(IntegrationService.DataExchange) == true)
            kvp.RequestExchange(vm);
    }
}
