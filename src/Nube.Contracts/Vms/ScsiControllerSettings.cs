namespace Nube.Contracts.Vms;

public sealed record ScsiControllerSettings
{
    public IReadOnlyList<ScsiDiskSettings> Disks { get; init; } = [];
    /// <summary>The controller's I/O in an iothread of its own; true when absent.</summary>
    public bool? IoThread { get; init; }
}
