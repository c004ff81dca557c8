namespace Nube.Contracts.HostSystem;

/// <summary>The Debian updates available for the packages Nube uses, as of the host's last package-list download.</summary>
public sealed record HostUpdates
{
    public required IReadOnlyList<PackageUpdate> Packages { get; init; }
    /// <summary>When the package lists were last downloaded (apt-get update); null when they never were.</summary>
    public DateTimeOffset? ListsUpdatedAt { get; init; }
}
