using Nube.Core.Integration;

namespace Nube.Core.Vms;

/// <summary>A change to a VM's integration services: what is null stays as it is.</summary>
public sealed record IntegrationPatch
{
    /// <summary>The services to enable; every other one is disabled. Null: the enabled services stay.</summary>
    public IReadOnlySet<IntegrationService>? Enabled { get; init; }
    public int? HeartbeatIntervalSeconds { get; init; }
    public int? HeartbeatTimeoutSeconds { get; init; }
    public int? TimeSyncIntervalSeconds { get; init; }

    /// <summary>The patched settings; not validated.</summary>
    public IntegrationSettings Apply(IntegrationSettings current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var next = current with
        {
            HeartbeatIntervalSeconds = HeartbeatIntervalSeconds ?? current.HeartbeatIntervalSeconds,
            HeartbeatTimeoutSeconds = HeartbeatTimeoutSeconds ?? current.HeartbeatTimeoutSeconds,
            TimeSyncIntervalSeconds = TimeSyncIntervalSeconds ?? current.TimeSyncIntervalSeconds,
        };
        return Enabled is { } enabled
            ? IntegrationServices.All.Aggregate(next, (settings, service) => settings.With(service, enabled.Contains(service)))
            : next;
    }
}
