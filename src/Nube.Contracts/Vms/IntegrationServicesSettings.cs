namespace Nube.Contracts.Vms;

/// <summary>A VM's integration services as its settings carry them.</summary>
public sealed record IntegrationServicesSettings
{
    /// <summary>
    /// The enabled services, by word: heartbeat, shutdown, time-sync, kvp, guest-services, backup.
    /// Sent in a change, it replaces the whole list; left out, the list stays.
    /// </summary>
    public IReadOnlyList<string>? Enabled { get; init; }
    /// <summary>Null in a VM's settings: the host's setting; null in a change: unchanged.</summary>
    public int? HeartbeatIntervalSeconds { get; init; }
    public int? HeartbeatTimeoutSeconds { get; init; }
    /// <summary>0 sets the guest's clock only after start, resume and restore.</summary>
    public int? TimeSyncIntervalSeconds { get; init; }
}
