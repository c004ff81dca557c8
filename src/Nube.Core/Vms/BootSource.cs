namespace Nube.Core.Vms;

public enum BootKind
{
    /// <summary>Direct kernel boot: <see cref="BootSource.Kernel"/> and optional initrd.</summary>
    Kernel,
    /// <summary>BIOS boot from the disk at IDE controller 0, location 0.</summary>
    Disk,
}

public sealed record BootSource
{
    public BootKind Kind { get; init; } = BootKind.Disk;
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? CommandLine { get; init; }
}
