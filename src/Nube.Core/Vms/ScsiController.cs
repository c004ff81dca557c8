using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>A synthetic (virtio-scsi) controller with its disks.</summary>
public sealed record ScsiController
{
    public ImmutableArray<ScsiDisk> Disks { get; init; } = [];
}
