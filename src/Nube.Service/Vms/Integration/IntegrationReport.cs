using System.Collections.Immutable;
using Nube.Contracts.Events;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Api;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Where every integration service of one VM records how the guest answered it. Kept in the VM's
/// snapshot for the length of a run; a change of status is published as an event. Safe to call
/// from any thread: services run beside the controller's loop. What a service reports once the
/// run is forgotten (a late answer) is dropped: it would describe a guest that is gone.
/// </summary>
public sealed class IntegrationReport(IVmRun vm, VmServices services)
{
    private readonly Lock gate = new();

    /// <summary>The guest answered <paramref name="service"/>.</summary>
    public void Answered(IntegrationService service) =>
        Set(service, _ => new ServiceHealth(IntegrationStatus.Ok, services.Clock.GetUtcNow(), null));

    /// <summary>
    /// A request of <paramref name="service"/> failed: No contact if the guest never answered it
    /// during this run, Lost communication if it had.
    /// </summary>
    public void Failed(IntegrationService service, string why) =>
        Set(service, before => new ServiceHealth(
            before?.LastGoodAnswer is null ? IntegrationStatus.NoContact : IntegrationStatus.LostCommunication,
            before?.LastGoodAnswer, why));

    /// <summary>The run is over: nothing is known of the guest any more.</summary>
    public void Clear()
    {
        lock (gate)
        {
            vm.Update(s => s with
            {
                Integration = ImmutableDictionary<IntegrationService, ServiceHealth>.Empty, TimeSync = null, Freeze = null,
            });
        }
    }

    /// <summary>A change of settings enabled or disabled services: each reads its new status.</summary>
    public void SettingsChanged(IntegrationSettings before, IntegrationSettings after)
    {
        foreach (var service in IntegrationServices.All)
        {
            if (before.IsEnabled(service) != after.IsEnabled(service))
                Publish(HostEventTypes.VmIntegrationChanged, vm.Snapshot, e => e with { Integration = ContractMapper.ToIntegrationInfo(vm.Snapshot, service) });
        }
    }

    /// <summary>The guest's clock was set; <paramref name="synced"/> says when and what drift it had.</summary>
    public void TimeSynced(TimeSyncState synced)
    {
        if (vm.Session is null)
            return;
        vm.Update(s => s with { TimeSync = synced });
        Answered(IntegrationService.TimeSynchronization);
        Publish(HostEventTypes.VmTimeSynced, vm.Snapshot, e => e with { TimeSync = ContractMapper.ToTimeSyncInfo(synced) });
    }

    public void Frozen(FreezeState frozen)
    {
        if (vm.Session is null)
            return;
        vm.Update(s => s with { Freeze = frozen });
        Answered(IntegrationService.Backup);
        Publish(HostEventTypes.VmFrozen, vm.Snapshot, e => e with { Freeze = ContractMapper.ToFreezeInfo(frozen) });
    }

    public void Thawed(string why)
    {
        vm.Update(s => s with { Freeze = null });
        Publish(HostEventTypes.VmThawed, vm.Snapshot, e => e with { Reason = why });
    }

    private void Set(IntegrationService service, Func<ServiceHealth?, ServiceHealth> change)
    {
        VmSnapshot after;
        bool statusChanged;
        lock (gate)
        {
            // Under the gate that Clear takes too: the run is either still on, or cleared after this.
            if (vm.Session is null)
                return;
            var before = vm.Snapshot.Integration.GetValueOrDefault(service);
            var next = change(before);
            statusChanged = before?.Status != next.Status || (next.Status != IntegrationStatus.Ok && before?.Error != next.Error);
            vm.Update(s => s with { Integration = s.Integration.SetItem(service, next) });
            after = vm.Snapshot;
        }
        if (statusChanged)
            Publish(HostEventTypes.VmIntegrationChanged, after, e => e with { Integration = ContractMapper.ToIntegrationInfo(after, service) });
    }

    private void Publish(string type, VmSnapshot now, Func<HostEvent, HostEvent> details)
    {
        if (now.Config is null)
            return;
        services.Events.Publish(details(new HostEvent
        {
            Sequence = 0, Type = type, Time = services.Clock.GetUtcNow(), VmId = now.Id, VmName = now.Name,
        }));
    }
}
