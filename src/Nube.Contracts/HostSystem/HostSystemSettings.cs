namespace Nube.Contracts.HostSystem;

/// <summary>A change to the host machine's settings; null leaves a field as it is.</summary>
public sealed record HostSystemSettings
{
    /// <summary>RFC 1123: labels of letters, digits and hyphens (1 to 63 each), separated by dots, 253 in all.</summary>
    public string? HostName { get; init; }
    /// <summary>A name of the zoneinfo database (/usr/share/zoneinfo), e.g. Europe/Berlin or UTC.</summary>
    public string? TimeZone { get; init; }
    public bool? LoginMenu { get; init; }
}
