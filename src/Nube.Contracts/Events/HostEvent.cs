using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Events;

/// <summary>
/// One entry of the host's event stream (<c>GET /api/v1/events</c>, Server-Sent Events whose
/// event name is <see cref="Type"/> and whose id is <see cref="Sequence"/>).
/// </summary>
public sealed record HostEvent
{
    /// <summary>Increases by one per event; send it back as Last-Event-ID to resume.</summary>
    public required long Sequence { get; init; }
    /// <summary>See <see cref="HostEventTypes"/>.</summary>
    public required string Type { get; init; }
    public required DateTimeOffset Time { get; init; }
    /// <summary>The host that sent it (its <c>hostId</c>): VMs move between hosts, and a client may follow several.</summary>
    public Guid? HostId { get; init; }
    public Guid? VmId { get; init; }
    public string? VmName { get; init; }
    /// <summary>vm-state-changed: the new state and the one before it.</summary>
    public string? State { get; init; }
    public string? PreviousState { get; init; }
    /// <summary>vm-state-changed: why, when the user did not ask for it (a crash, a guest shutdown).</summary>
    public string? Reason { get; init; }
    /// <summary>vm-state-changed, vm-changed: the actions the host accepts in the VM's state now (as <see cref="VmSummary.AllowedActions"/>).</summary>
    public IReadOnlyList<string>? AllowedActions { get; init; }
    /// <summary>job-*: the job as it is now.</summary>
    public JobInfo? Job { get; init; }
    /// <summary>vm-integration-changed: the service whose status changed, as it is now.</summary>
    public IntegrationServiceInfo? Integration { get; init; }
    /// <summary>vm-time-synced: the setting of the guest's clock, with the drift it corrected.</summary>
    public TimeSyncInfo? TimeSync { get; init; }
    /// <summary>vm-frozen: the freeze; vm-thawed leaves it out and says why in <see cref="Reason"/>.</summary>
    public FreezeInfo? Freeze { get; init; }
}
