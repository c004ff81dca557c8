namespace Nube.Contracts.Vms;

public sealed record ScsiDiskSettings
{
    /// <summary>The device's stable id, given by the host; send it back unchanged, or leave it out for a new device.</summary>
    public string? Id { get; init; }
    public int Location { get; init; }
    /// <summary>hardDisk (the default) or dvd.</summary>
    public string? Media { get; init; }
    /// <summary>The image; absent only for an empty DVD drive.</summary>
    public string? Path { get; init; }
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>writeback (the default) or direct.</summary>
    public string? Cache { get; init; }
}
