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
    public const string JobCreated = "job-created";
    public const string JobProgress = "job-progress";
    public const string JobEnded = "job-ended";
    /// <summary>The stream skipped events this client was too slow to take; re-read what it shows.</summary>
    public const string Overflow = "overflow";
}
