namespace Nube.Contracts.Vms;

public sealed record ScsiControllerSettings
{
    public IReadOnlyList<ScsiDiskSettings> Disks { get; init; } = [];
}
