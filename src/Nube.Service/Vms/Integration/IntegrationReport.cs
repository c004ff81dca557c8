using System.Collections.Immutable;
using Nube.Contracts.Events;
using Nube.Core.Integration;
using Nube.Service.Api;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Where every integration service of one VM records how the guest answered it. Kept in the VM's
/// snapshot for the length of a run; a change of status is published as an event. Safe to call
/// from any thread: services run beside the controller's loop.
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
            vm.Update(s => s with { Integration = ImmutableDictionary<IntegrationService, ServiceHealth>.Empty });
    }

    private void Set(IntegrationService service, Func<ServiceHealth?, ServiceHealth> change)
    {
        VmSnapshot after;
        bool statusChanged;
        lock (gate)
        {
            var before = vm.Snapshot.Integration.GetValueOrDefault(service);
            var next = change(before);
            statusChanged = before?.Status != next.Status || (next.Status != IntegrationStatus.Ok && before?.Error != next.Error);
            vm.Update(s => s with { Integration = s.Integration.SetItem(service, next) });
            after = vm.Snapshot;
        }
        if (!statusChanged || after.Config is null)
            return;
        services.Events.Publish(new HostEvent
        {
            Sequence = 0, Type = HostEventTypes.VmIntegrationChanged, Time = services.Clock.GetUtcNow(),
            VmId = after.Id, VmName = after.Name, Integration = ContractMapper.ToIntegrationInfo(after, service),
        });
    }
}
