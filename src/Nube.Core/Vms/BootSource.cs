namespace Nube.Core.Vms;

public enum BootKind
{
    /// <summary>Direct kernel boot: <see cref="BootSource.Kernel"/> and optional initrd (generation 1 only).</summary>
    Kernel,
    /// <summary>Firmware boot from a disk: <see cref="BootSource.Disk"/>, or the generation's boot disk.</summary>
    Disk,
}

public sealed record BootSource
{
    public BootKind Kind { get; init; } = BootKind.Disk;
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? CommandLine { get; init; }
    /// <summary>
    /// The disk the firmware boots, as <c>ide0:0</c> or <c>scsi0:1</c> (see <see cref="DiskAddress"/>).
    /// Null means the generation's boot disk: IDE 0:0 on generation 1 (as Hyper-V's BIOS boots),
    /// the SCSI disk with the lowest controller and location on generation 2.
    /// </summary>
    public string? Disk { get; init; }
}
