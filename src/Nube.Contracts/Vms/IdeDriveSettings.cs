namespace Nube.Contracts.Vms;

public sealed record IdeDriveSettings
{
    /// <summary>The device's stable id, given by the host; send it back unchanged, or leave it out for a new device.</summary>
    public string? Id { get; init; }
    public int Controller { get; init; }
    public int Location { get; init; }
    /// <summary>hardDisk or dvd.</summary>
    public string? Media { get; init; }
    public string? Path { get; init; }
    /// <summary>raw, qcow2, vhd or vhdx; absent means from the file's extension.</summary>
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>writeback (the default) or direct.</summary>
    public string? Cache { get; init; }
}
