using System.Text.Json.Serialization;

namespace Nube.Core.Integration;

/// <summary>
/// The services through which host and guest cooperate, as Hyper-V's integration services; Nube
/// speaks them to the guest's qemu-guest-agent over the VM's own virtio-serial channel.
/// </summary>
public enum IntegrationService
{
    Heartbeat,
    /// <summary>Operating system shutdown: <c>vm stop</c> asks the guest through the agent first.</summary>
    Shutdown,
    [JsonStringEnumMemberName("time-sync")]
    TimeSynchronization,
    /// <summary>Data exchange (KVP): intrinsic items and key-value pairs both ways.</summary>
    [JsonStringEnumMemberName("kvp")]
    DataExchange,
    /// <summary>Guest services: file copy from the host into the guest.</summary>
    [JsonStringEnumMemberName("guest-services")]
    GuestServices,
    /// <summary>Backup (volume shadow copy): freeze and thaw the guest's file systems.</summary>
    Backup,
}

/// <summary>A service's status, with Hyper-V's meanings.</summary>
public enum IntegrationStatus
{
    /// <summary>The guest answered the service's last request.</summary>
    Ok,
    /// <summary>The guest has not answered during this run of the VM (still booting, no agent).</summary>
    [JsonStringEnumMemberName("no-contact")]
    NoContact,
    /// <summary>The guest answered earlier in this run, and its last request failed.</summary>
    [JsonStringEnumMemberName("lost-communication")]
    LostCommunication,
    Disabled,
}

public static class IntegrationServices
{
    /// <summary>Every service, in the order the CLI and the API list them.</summary>
    public static IReadOnlyList<IntegrationService> All { get; } = Enum.GetValues<IntegrationService>();

    /// <summary>The name an operator reads, as Hyper-V Manager shows it.</summary>
    public static string DisplayName(IntegrationService service) => service switch
    {
        IntegrationService.Heartbeat => "Heartbeat",
        IntegrationService.Shutdown => "Operating system shutdown",
        IntegrationService.TimeSynchronization => "Time synchronization",
        IntegrationService.DataExchange => "Data exchange",
        IntegrationService.GuestServices => "Guest services",
        IntegrationService.Backup => "Backup (volume shadow copy)",
        _ => service.ToString(),
    };

    public static string DisplayName(IntegrationStatus status) => status switch
    {
        IntegrationStatus.Ok => "OK",
        IntegrationStatus.NoContact => "No contact",
        IntegrationStatus.LostCommunication => "Lost communication",
        IntegrationStatus.Disabled => "Disabled",
        _ => status.ToString(),
    };
}
