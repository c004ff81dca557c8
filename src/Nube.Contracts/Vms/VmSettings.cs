namespace Nube.Contracts.Vms;

/// <summary>
/// A VM's settings as the API speaks them. Every field is optional: a create request fills in
/// what it wants (the host chooses defaults for the rest), a change request sends only what
/// changes, and a VM's details carry them all.
/// </summary>
public sealed record VmSettings
{
    public string? Name { get; init; }
    public int? Generation { get; init; }
    public int? ProcessorCount { get; init; }
    public long? MemoryStartupMiB { get; init; }
    public BootSettings? Boot { get; init; }
    public IReadOnlyList<IdeDriveSettings>? IdeDrives { get; init; }
    public IReadOnlyList<ScsiControllerSettings>? ScsiControllers { get; init; }
    public IReadOnlyList<NetworkAdapterSettings>? NetworkAdapters { get; init; }
    public ComPortSettings? Com1 { get; init; }
    /// <summary>nothing, startIfRunning or alwaysStart.</summary>
    public string? AutomaticStartAction { get; init; }
    public int? AutomaticStartDelaySeconds { get; init; }
    /// <summary>save, turnOff or shutDown.</summary>
    public string? AutomaticStopAction { get; init; }
    /// <summary>off or restart.</summary>
    public string? CrashAction { get; init; }
    public string? Notes { get; init; }
}

public sealed record BootSettings
{
    /// <summary>kernel or disk.</summary>
    public string? Kind { get; init; }
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? CommandLine { get; init; }
}

public sealed record IdeDriveSettings
{
    public int Controller { get; init; }
    public int Location { get; init; }
    /// <summary>hardDisk or dvd.</summary>
    public string? Media { get; init; }
    public string? Path { get; init; }
    /// <summary>raw, qcow2, vhd or vhdx; absent means from the file's extension.</summary>
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
}

public sealed record ScsiControllerSettings
{
    public IReadOnlyList<ScsiDiskSettings> Disks { get; init; } = [];
}

public sealed record ScsiDiskSettings
{
    public int Location { get; init; }
    public required string Path { get; init; }
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
}

public sealed record NetworkAdapterSettings
{
    /// <summary>legacy or synthetic.</summary>
    public string? Kind { get; init; }
    public string? MacAddress { get; init; }
    public string? Switch { get; init; }
}

public sealed record ComPortSettings
{
    public bool Log { get; init; } = true;
}
