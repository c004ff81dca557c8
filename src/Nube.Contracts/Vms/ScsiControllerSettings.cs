namespace Nube.Contracts.Vms;

public sealed record ScsiControllerSettings
{
    /// <summary>The device's stable id, given by the host; send it back unchanged, or leave it out for a new device.</summary>
    public string? Id { get; init; }
    public IReadOnlyList<ScsiDiskSettings> Disks { get; init; } = [];
    /// <summary>The controller's I/O in an iothread of its own; true when absent.</summary>
    public bool? IoThread { get; init; }
}
