namespace Nube.Contracts.Events;

/// <summary>The words of <see cref="HostEvent.Type"/>.</summary>
public static class HostEventTypes
{
    public const string VmCreated = "vm-created";
    public const string VmChanged = "vm-changed";
    public const string VmRemoved = "vm-removed";
    public const string VmStateChanged = "vm-state-changed";
    /// <summary>An integration service's status changed (the heartbeat lost or found again, a service disabled ...).</summary>
    public const string VmIntegrationChanged = "vm-integration-changed";
    /// <summary>The guest's clock was set from the host's; the event carries the drift it had.</summary>
    public const string VmTimeSynced = "vm-time-synced";
    /// <summary>The guest's file systems were frozen, or thawed again (the reason says by whom or why).</summary>
    public const string VmFrozen = "vm-frozen";
    public const string VmThawed = "vm-thawed";
    public const string JobCreated = "job-created";
    public const string JobProgress = "job-progress";
    public const string JobEnded = "job-ended";
    /// <summary>The stream skipped events this client was too slow to take; re-read what it shows.</summary>
    public const string Overflow = "overflow";
}
