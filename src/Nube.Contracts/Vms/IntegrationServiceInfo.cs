namespace Nube.Contracts.Vms;

/// <summary>One integration service of a VM, as Hyper-V Manager shows it.</summary>
public sealed record IntegrationServiceInfo
{
    /// <summary>heartbeat, shutdown, time-sync, kvp, guest-services or backup.</summary>
    public required string Service { get; init; }
    /// <summary>E.g. "Operating system shutdown".</summary>
    public required string DisplayName { get; init; }
    public required bool Enabled { get; init; }
    /// <summary>ok, no-contact, lost-communication or disabled.</summary>
    public required string Status { get; init; }
    /// <summary>When the guest last answered this service, during this run of the VM.</summary>
    public DateTimeOffset? LastGoodAnswer { get; init; }
    /// <summary>Why the last request failed, while the status is not ok.</summary>
    public string? Error { get; init; }
}
