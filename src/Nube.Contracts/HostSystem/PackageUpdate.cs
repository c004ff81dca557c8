namespace Nube.Contracts.HostSystem;

/// <summary>An installed package with a newer version available.</summary>
public sealed record PackageUpdate
{
    public required string Package { get; init; }
    public required string Installed { get; init; }
    public required string Candidate { get; init; }
}
