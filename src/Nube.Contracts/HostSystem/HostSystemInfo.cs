namespace Nube.Contracts.HostSystem;

/// <summary>The host machine's own settings, as <c>nube sconfig</c> shows them.</summary>
public sealed record HostSystemInfo
{
    /// <summary>The kernel's host name (the whole name, with its domain when it has one).</summary>
    public required string HostName { get; init; }
    public required IReadOnlyList<NetworkInterfaceInfo> Interfaces { get; init; }
    /// <summary>A name of the zoneinfo database, e.g. Europe/Berlin; "unknown" when the host names none.</summary>
    public required string TimeZone { get; init; }
    /// <summary>One of <see cref="NtpStates"/>.</summary>
    public required string Ntp { get; init; }
    /// <summary>The host's clock, with the time zone's offset.</summary>
    public required DateTimeOffset LocalTime { get; init; }
    /// <summary>Whether interactive root logins start <c>nube sconfig</c>.</summary>
    public required bool LoginMenu { get; init; }
}
