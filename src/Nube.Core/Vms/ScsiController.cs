using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>A synthetic (virtio-scsi) controller with its disks.</summary>
public sealed record ScsiController
{
    /// <summary>Stable id, also its QEMU id: given by nubed when the device is added (see <see cref="DeviceIds"/>), never renumbered.</summary>
    public string Id { get; init; } = "";
    public ImmutableArray<ScsiDisk> Disks { get; init; } = [];
    /// <summary>
    /// The controller's I/O runs in a thread of its own (a QEMU iothread) instead of QEMU's main
    /// loop, which also serves the monitor and the other devices. On by default.
    /// </summary>
    public bool IoThread { get; init; } = true;
}
