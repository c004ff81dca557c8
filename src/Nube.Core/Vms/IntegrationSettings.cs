using Nube.Core.Hosts;
using Nube.Core.Integration;

namespace Nube.Core.Vms;

/// <summary>
/// Which integration services a VM uses, and its own timings where they differ from the host's.
/// The defaults are Hyper-V's: every service on except guest services (file copy), which an
/// operator turns on for the VMs that need it.
/// </summary>
public sealed record IntegrationSettings
{
    public bool Heartbeat { get; init; } = true;
    public bool Shutdown { get; init; } = true;
    public bool TimeSynchronization { get; init; } = true;
    public bool DataExchange { get; init; } = true;
    public bool GuestServices { get; init; }
    public bool Backup { get; init; } = true;
    /// <summary>Null: the host's <see cref="Hosts.HostConfig.HeartbeatIntervalSeconds"/>.</summary>
    public int? HeartbeatIntervalSeconds { get; init; }
    /// <summary>Null: the host's <see cref="Hosts.HostConfig.HeartbeatTimeoutSeconds"/>.</summary>
    public int? HeartbeatTimeoutSeconds { get; init; }
    /// <summary>Null: the host's <see cref="Hosts.HostConfig.TimeSyncIntervalSeconds"/>; 0 sets the clock only after start, resume and restore.</summary>
    public int? TimeSyncIntervalSeconds { get; init; }

    public TimeSpan HeartbeatInterval(HostConfig host) => Seconds(HeartbeatIntervalSeconds ?? host.HeartbeatIntervalSeconds);

    public TimeSpan HeartbeatTimeout(HostConfig host) => Seconds(HeartbeatTimeoutSeconds ?? host.HeartbeatTimeoutSeconds);

    /// <summary>Zero: the guest's clock is set only after start, resume and restore.</summary>
    public TimeSpan TimeSyncInterval(HostConfig host) => Seconds(TimeSyncIntervalSeconds ?? host.TimeSyncIntervalSeconds);

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    public bool IsEnabled(IntegrationService service) => service switch
    {
        IntegrationService.Heartbeat => Heartbeat,
        IntegrationService.Shutdown => Shutdown,
        IntegrationService.TimeSynchronization => TimeSynchronization,
        IntegrationService.DataExchange => DataExchange,
        IntegrationService.GuestServices => GuestServices,
        IntegrationService.Backup => Backup,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown integration service."),
    };

    public IntegrationSettings With(IntegrationService service, bool enabled) => service switch
    {
        IntegrationService.Heartbeat => this with { Heartbeat = enabled },
        IntegrationService.Shutdown => this with { Shutdown = enabled },
        IntegrationService.TimeSynchronization => this with { TimeSynchronization = enabled },
        IntegrationService.DataExchange => this with { DataExchange = enabled },
        IntegrationService.GuestServices => this with { GuestServices = enabled },
        IntegrationService.Backup => this with { Backup = enabled },
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown integration service."),
    };
}
