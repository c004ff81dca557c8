namespace Nube.Contracts.Vms;

/// <summary>One drive of a VM, where it hangs.</summary>
public sealed record VmDriveInfo
{
    public required string Id { get; init; }
    /// <summary>Its place: ide0:1, scsi0:3.</summary>
    public required string At { get; init; }
    /// <summary>hardDisk or dvd.</summary>
    public required string Media { get; init; }
    /// <summary>The image; absent for an empty DVD drive.</summary>
    public string? Path { get; init; }
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
    public string? Cache { get; init; }
    /// <summary>Its place in the boot order (0 first), when the firmware boots from it.</summary>
    public int? BootIndex { get; init; }
}

/// <summary>A drive to add: a disk (or, with media dvd, a DVD drive, empty without a path).</summary>
public sealed record AddDriveRequest
{
    /// <summary>Where: ide0:1, scsi0:3; absent means the first free place of SCSI controller 0.</summary>
    public string? At { get; init; }
    /// <summary>hardDisk (the default) or dvd.</summary>
    public string? Media { get; init; }
    public string? Path { get; init; }
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
    public string? Cache { get; init; }
}

/// <summary>The disc for a DVD drive; no path ejects it.</summary>
public sealed record DriveMediumRequest
{
    /// <summary>The drive's id or place; absent means the VM's only DVD drive.</summary>
    public string? Drive { get; init; }
    public string? Path { get; init; }
}
